/**
 * Stale node cells: a node cell whose upstream node cell was edited or re-executed after this
 * one last ran. Times come from the notebook (cell executed, cell source changed); the rule is
 * a pure function over them (jest tests it).
 */
import { ancestors, Graph } from './graph';

export interface CellTimes {
  /** when the cell last finished running (ms), undefined if it never ran in this session */
  ranAt?: number;
  /** when its source last changed (ms) */
  editedAt?: number;
}

/** Stale node -> the upstream nodes that make it stale. Cells that never ran are not stale. */
export function staleNodes(graph: Graph, times: ReadonlyMap<string, CellTimes>): Map<string, string[]> {
  const stale = new Map<string, string[]>();
  for (const node of graph.nodes) {
    const ranAt = times.get(node.name)?.ranAt;
    if (ranAt === undefined) {
      continue;
    }
    const because = ancestors(graph, node.name).filter(up => {
      const t = times.get(up);
      return (t?.editedAt ?? -Infinity) > ranAt || (t?.ranAt ?? -Infinity) > ranAt;
    });
    if (because.length) {
      stale.set(node.name, because);
    }
  }
  return stale;
}

/**
 * The node cells one click re-runs: every stale one, and every upstream node cell that made
 * one stale by an edit since it last ran (its new code has to run first, or the re-run would
 * compute on the old value). The caller runs them in pipeline order.
 */
export function rerunTargets(graph: Graph, times: ReadonlyMap<string, CellTimes>): Set<string> {
  const targets = new Set<string>();
  for (const [name, because] of staleNodes(graph, times)) {
    targets.add(name);
    for (const up of because) {
      const t = times.get(up);
      if ((t?.editedAt ?? -Infinity) > (t?.ranAt ?? -Infinity)) {
        targets.add(up);
      }
    }
  }
  return targets;
}
