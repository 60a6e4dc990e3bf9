/**
 * The pipeline as a graph: edges from each dataset's producer to its readers, ancestors for
 * the stale marking, and a top-down layout by dagre (a maintained layout library, not a
 * hand-written one). Pure functions over plain data (jest tests them).
 */
import dagre from '@dagrejs/dagre';

export interface GraphNode {
  name: string;
  inputs: string[];
  outputs: string[];
}

export interface GraphEdge {
  source: string;
  target: string;
  datasets: string[];
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Nodes joined producer -> reader, one edge per pair (with the datasets it carries). */
export function buildGraph(nodes: readonly GraphNode[]): Graph {
  const producer = new Map<string, string>();
  for (const node of nodes) {
    for (const output of node.outputs) {
      producer.set(output, node.name);
    }
  }
  const edges = new Map<string, GraphEdge>();
  for (const node of nodes) {
    for (const input of node.inputs) {
      const source = producer.get(input);
      if (source === undefined || source === node.name) {
        continue;
      }
      const key = `${source}\u0000${node.name}`;
      const edge = edges.get(key) ?? { source, target: node.name, datasets: [] };
      edge.datasets.push(input);
      edges.set(key, edge);
    }
  }
  return { nodes: [...nodes], edges: [...edges.values()] };
}

/** Every node upstream of `name` (transitively), nearest first. */
export function ancestors(graph: Graph, name: string): string[] {
  const parents = new Map<string, string[]>();
  for (const edge of graph.edges) {
    parents.set(edge.target, [...(parents.get(edge.target) ?? []), edge.source]);
  }
  const seen: string[] = [];
  const todo = [...(parents.get(name) ?? [])];
  while (todo.length) {
    const next = todo.shift()!;
    if (next === name || seen.includes(next)) {
      continue;
    }
    seen.push(next);
    todo.push(...(parents.get(next) ?? []));
  }
  return seen;
}

export interface NodeBox {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: NodeBox[];
  edges: { source: string; target: string; points: { x: number; y: number }[] }[];
}

/** Top-down layout: each node a box wide enough for its name (`charWidth` px a letter). */
export function layoutGraph(graph: Graph, charWidth = 7.5, nodeHeight = 30): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) {
    g.setNode(node.name, { width: Math.max(60, node.name.length * charWidth + 24), height: nodeHeight });
  }
  for (const edge of graph.edges) {
    g.setEdge(edge.source, edge.target);
  }
  dagre.layout(g);
  const size = g.graph();
  return {
    width: size.width ?? 0,
    height: size.height ?? 0,
    nodes: graph.nodes.map(node => {
      const box = g.node(node.name);
      return { name: node.name, x: box.x, y: box.y, width: box.width, height: box.height };
    }),
    edges: graph.edges.map(edge => ({
      source: edge.source,
      target: edge.target,
      points: g.edge(edge.source, edge.target).points ?? []
    }))
  };
}
