import { auditSequenceLevels } from './audit-cases.js';

// Chapter 6's two costliest levels: the echo within a budget, and the names.
auditSequenceLevels([6], ['c6-budget', 'c6-names']);
