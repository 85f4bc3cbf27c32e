import { auditImageLevels } from './audit-cases.js';

auditImageLevels('fashion-mnist');
