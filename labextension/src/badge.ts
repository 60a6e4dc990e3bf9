/**
 * What a node cell's badge says: `name: inputs → outputs`, its colour level and its tooltip,
 * from the analysis endpoint's answer for that cell. Pure functions (jest tests them).
 */
import type { AnalysedNode, Finding } from './api';

export type BadgeLevel = 'ok' | 'warning' | 'error';

const NOTHING = '∅';

export function badgeText(node: Pick<AnalysedNode, 'name' | 'inputs' | 'outputs'>): string {
  const inputs = node.inputs.length ? node.inputs.join(', ') : NOTHING;
  const outputs = node.outputs.length ? node.outputs.join(', ') : NOTHING;
  return `${node.name}: ${inputs} → ${outputs}`;
}

/** Warnings that make a node unsafe to convert are `warning`; only failures are `error`. */
export function badgeLevel(warnings: readonly Finding[], failed = false): BadgeLevel {
  if (failed || warnings.some(w => w.kind === 'syntax')) {
    return 'error';
  }
  return warnings.length ? 'warning' : 'ok';
}

export function findingText(finding: Pick<Finding, 'kind' | 'line' | 'message'>): string {
  const where = finding.line ? `line ${finding.line}: ` : '';
  return `${where}${finding.kind}: ${finding.message}`;
}

/** The tooltip: the badge text, each warning on its own line, and a stale note. */
export function badgeTooltip(
  node: Pick<AnalysedNode, 'name' | 'inputs' | 'outputs' | 'warnings'>,
  staleBecause: readonly string[] = []
): string {
  const lines = [badgeText(node)];
  lines.push(...node.warnings.map(findingText));
  if (staleBecause.length) {
    lines.push(
      `stale: upstream ${staleBecause.join(', ')} changed or ran after this cell last ran`
    );
  }
  return lines.join('\n');
}
