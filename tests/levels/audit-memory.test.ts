import { auditSequenceLevels } from './audit-cases.js';

// Chapter 5 (a hidden state, the echo, clipping) and chapter 6's adding problem.
auditSequenceLevels([5, 6], ['c5-switch', 'c5-echo', 'c5-explode', 'c6-long']);
