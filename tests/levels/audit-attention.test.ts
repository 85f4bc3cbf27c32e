import { auditSequenceLevels } from './audit-cases.js';

// Chapter 7's generated tasks: recall over a distance, and the symbol at a fixed position.
auditSequenceLevels([7], ['c7-lookback', 'c7-order']);
