/**
 * The classroom API's request schemas, for Fastify's validation — structure only: the handlers
 * check values with messages a person reads — and how one of its findings is put in the
 * project's words (the field first, then what is allowed).
 */

// --- schemas: structure only; the handlers check values with messages a person reads ---------

export const codeParams = {
  type: 'object',
  properties: { code: { type: 'string', maxLength: 64 } },
  required: ['code'],
} as const;

export const newClassBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'levels', 'submissionsPerLevel'],
  properties: {
    name: { type: 'string', maxLength: 1000 },
    levels: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 100 } },
    start: { type: 'string', maxLength: 100 },
    end: { type: 'string', maxLength: 100 },
    submissionsPerLevel: { type: 'number' },
    hide: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 100 } },
    lock: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 100 } },
  },
} as const;

export const joinBody = {
  type: 'object',
  additionalProperties: false,
  required: ['nickname'],
  properties: { nickname: { type: 'string', maxLength: 1000 } },
} as const;

export const submissionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['levelId', 'spec', 'options', 'seed', 'version'],
  properties: {
    levelId: { type: 'string', maxLength: 100 },
    spec: { type: 'object' },
    options: { type: 'object' },
    seed: { type: 'number' },
    data: {
      type: 'object',
      additionalProperties: false,
      properties: { n: { type: 'number' }, noise: { type: 'number' }, train: { type: 'number' } },
    },
    version: {
      type: 'object',
      additionalProperties: false,
      required: ['kernel', 'level'],
      properties: {
        kernel: { type: 'string', maxLength: 200 },
        level: { type: 'string', maxLength: 200 },
      },
    },
  },
} as const;

// --- validation messages ----------------------------------------------------------------------

export interface AjvIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/version/kernel` → `version.kernel`, `/levels/0` → `levels[0]`. */
function fieldPath(context: string, pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = context === 'body' ? '' : context;
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** One ajv finding in the project's words: the field first, then what is allowed. */
export function describeIssue(context: string, issue: AjvIssue): string {
  const at = fieldPath(context, issue.instancePath);
  const field = (name: string): string => (at ? `${at}.${name}` : name);
  const where = at || (context === 'body' ? 'the request body' : context);
  switch (issue.keyword) {
    case 'additionalProperties':
      return `${field(String(issue.params['additionalProperty']))} is not a known field of this request`;
    case 'required':
      return `${field(String(issue.params['missingProperty']))} is required`;
    case 'type':
      return `${where} must be ${article(String(issue.params['type']))}`;
    case 'maxLength':
      return `${where} may be at most ${String(issue.params['limit'])} characters long`;
    case 'maxItems':
      return `${where} may hold at most ${String(issue.params['limit'])} items`;
    default:
      return `${where} ${issue.message ?? 'is not allowed'}`;
  }
}
