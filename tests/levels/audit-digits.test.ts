import { auditImageLevels } from './audit-cases.js';

auditImageLevels('digits');
