/**
 * The cell convention of `kedro_nb.convert.cells`, which owns it: a node cell carries the tag
 * `node:<name>`, the tag `kedro_nb:skip` sets a cell aside, metadata `kedro_nb` overrides what
 * the analysis infers. The constants mirror the Python ones (a drift test holds them); the
 * functions are pure, over a cell's tag list, so jest tests them without JupyterLab.
 */

export const NODE_TAG_PREFIX = 'node:';
export const SKIP_TAG = 'kedro_nb:skip';
export const METADATA_KEY = 'kedro_nb';

// Python's keywords (keyword.kwlist): a node name becomes a function name in nodes.py.
const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class',
  'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if',
  'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield'
]);

const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** The node name a cell's tags give it, or null for a plain cell. */
export function nodeNameOf(tags: readonly string[] | undefined): string | null {
  const tag = (tags ?? []).find(t => typeof t === 'string' && t.startsWith(NODE_TAG_PREFIX));
  return tag === undefined ? null : tag.slice(NODE_TAG_PREFIX.length).trim();
}

export function isSkipped(tags: readonly string[] | undefined): boolean {
  return (tags ?? []).includes(SKIP_TAG);
}

/** The tags with the node tag replaced by `node:<name>` (or removed for null). */
export function withNodeName(tags: readonly string[] | undefined, name: string | null): string[] {
  const kept = (tags ?? []).filter(t => !t.startsWith(NODE_TAG_PREFIX));
  return name === null ? kept : [...kept, NODE_TAG_PREFIX + name];
}

/** The tags with `kedro_nb:skip` added or removed. */
export function withSkip(tags: readonly string[] | undefined, skipped: boolean): string[] {
  const kept = (tags ?? []).filter(t => t !== SKIP_TAG);
  return skipped ? [...kept, SKIP_TAG] : kept;
}

/**
 * Why `name` cannot name a node (the message the dialog shows), or null when it can: a Python
 * identifier, not a keyword, not used by another node cell of the notebook.
 */
export function nameProblem(name: string, taken: Iterable<string>): string | null {
  if (!name) {
    return 'Give the node a name, e.g. clean_data.';
  }
  if (!IDENTIFIER.test(name) || PYTHON_KEYWORDS.has(name)) {
    return (
      `"${name}" is not a valid node name: use a Python identifier such as clean_data ` +
      '(letters, digits, underscores; no leading digit; not a keyword).'
    );
  }
  for (const other of taken) {
    if (other === name) {
      return `Another cell is already the node "${name}": node names are unique in a notebook.`;
    }
  }
  return null;
}

/** The names bound by the first top-level assignment of `source` (tuple targets included). */
function firstAssignment(source: string): string[] {
  for (const raw of source.split('\n')) {
    const line = raw.replace(/#.*$/, '');
    if (!line.trim() || /^\s/.test(line) || /^[%!]/.test(line)) {
      continue;
    }
    const match = /^([\p{L}_][\p{L}\p{N}_]*(?:\s*,\s*[\p{L}_*][\p{L}\p{N}_]*)*)\s*(?::[^=]+)?=(?!=)/u.exec(
      line
    );
    if (match) {
      return match[1].split(',').map(part => part.trim().replace(/^\*/, ''));
    }
  }
  return [];
}

/**
 * A name for the node cell holding `source`: its first assignment's target (the first of a
 * tuple), made unique against `taken` with a numeric suffix; `node_<n>` when nothing is bound.
 */
export function suggestName(source: string, taken: Iterable<string>, fallbackIndex = 1): string {
  const used = new Set(taken);
  const candidates = firstAssignment(source).filter(
    name => IDENTIFIER.test(name) && !PYTHON_KEYWORDS.has(name) && name !== '_'
  );
  const base = candidates[0] ?? `node_${fallbackIndex}`;
  if (!used.has(base)) {
    return base;
  }
  for (let n = 2; ; n++) {
    if (!used.has(`${base}_${n}`)) {
      return `${base}_${n}`;
    }
  }
}
