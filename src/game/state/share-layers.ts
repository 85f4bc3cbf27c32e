/**
 * The `layers` value of a share link: a layer per comma, in the short forms players type
 * (`dense:4:tanh`, `dropout:0.2`, `relu`), and any other layer type of the op registry as
 * `TYPE:FIELD=VALUE:…` (`conv2d:filters=8:kernel=3`). Syntax problems are written for the player;
 * the values are checked afterwards by the spec, like any other.
 */
import { LAYERS, type LayerType } from '../../engine/ops/index.js';
import {
  ACTIVATIONS,
  INITS,
  type Activation,
  type Init,
  type LayerSpec,
} from '../../engine/spec.js';
import { formatNumber, quote, readNumber } from './link-values.js';

export function encodeLayer(layer: LayerSpec): string {
  switch (layer.type) {
    case 'dense': {
      const parts = ['dense', formatNumber(layer.units)];
      if (layer.activation !== undefined) parts.push(layer.activation);
      if (layer.init !== undefined) parts.push(layer.init);
      if (layer.tied) parts.push('tied');
      return parts.join(':');
    }
    case 'dropout':
      return `dropout:${formatNumber(layer.rate)}`;
    case 'activation':
      return layer.activation;
    default:
      return encodeFields(layer as unknown as Record<string, unknown>);
  }
}

/**
 * Any other layer type in the registry's own words: `TYPE:FIELD=VALUE:…` in the order its
 * fields are declared (`conv2d:filters=8:kernel=3:padding=1:activation=relu`).
 */
function encodeFields(layer: Record<string, unknown>): string {
  const def = LAYERS[layer['type'] as LayerType];
  const parts = [def.type];
  for (const name of Object.keys(def.fields)) {
    const value = layer[name];
    if (value === undefined) continue;
    parts.push(`${name}=${typeof value === 'number' ? formatNumber(value) : String(value)}`);
  }
  return parts.join(':');
}

/** Reads `TYPE:FIELD=VALUE:…`; values are typed by the field's kind, checked later by the spec. */
function decodeFields(token: string, where: string, problems: string[]): unknown {
  const [head, ...rest] = token.split(':');
  const def = LAYERS[head as LayerType];
  const layer: Record<string, unknown> = { type: def.type };
  for (const part of rest) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq);
    const field = eq > 0 ? def.fields[name] : undefined;
    if (!field) {
      const known = Object.keys(def.fields).join(', ') || 'none';
      problems.push(
        `The shared link has ${quote(part)} in ${where} (${quote(token)}); a ${def.type} layer takes FIELD=VALUE with the fields ${known}.`,
      );
      continue;
    }
    const text = part.slice(eq + 1);
    layer[name] =
      field.kind === 'int' || field.kind === 'number'
        ? readNumber(text)
        : field.kind === 'bool'
          ? text === 'true'
            ? true
            : text === 'false'
              ? false
              : text
          : text;
  }
  return layer;
}

/** Reads the `layers` value into layer objects; syntax problems go to `problems`. */
export function readLayers(text: string, problems: string[]): unknown[] | null {
  const layers: unknown[] = [];
  const before = problems.length;
  const shape =
    'layers are written dense:UNITS, dense:UNITS:ACTIVATION (:tied for a head sharing the embedding), dropout:RATE, an activation name or TYPE:FIELD=VALUE:… (conv2d:filters=8:kernel=3)';
  text.split(',').forEach((token, i) => {
    const where = `layer ${i + 1}`;
    const parts = token.split(':');
    const head = parts[0] ?? '';
    if (token === '') {
      problems.push(`The shared link has an empty ${where} (two commas in a row?).`);
    } else if (head === 'dense' && parts.length >= 2 && parts.length <= 5) {
      const layer: Record<string, unknown> = { type: 'dense', units: readNumber(parts[1] ?? '') };
      for (const extra of parts.slice(2)) {
        if (
          (ACTIVATIONS as readonly string[]).includes(extra) &&
          layer['activation'] === undefined
        ) {
          layer['activation'] = extra as Activation;
        } else if ((INITS as readonly string[]).includes(extra) && layer['init'] === undefined) {
          layer['init'] = extra as Init;
        } else if (extra === 'tied' && layer['tied'] === undefined) {
          layer['tied'] = true;
        } else {
          problems.push(
            `The shared link has an unknown activation ${quote(extra)} in ${where} (${quote(token)}); ` +
              `known activations: ${ACTIVATIONS.join(', ')}.`,
          );
        }
      }
      layers.push(layer);
    } else if (head === 'dropout' && parts.length === 2) {
      layers.push({ type: 'dropout', rate: readNumber(parts[1] ?? '') });
    } else if (parts.length === 1 && (ACTIVATIONS as readonly string[]).includes(head)) {
      layers.push({ type: 'activation', activation: head });
    } else if (
      head in LAYERS &&
      (parts.length === 1 || parts.slice(1).every((p) => p.includes('=')))
    ) {
      layers.push(decodeFields(token, where, problems));
    } else {
      problems.push(`The shared link has an unknown layer ${quote(token)} as ${where}; ${shape}.`);
    }
  });
  return problems.length > before ? null : layers;
}
