import { ancestors, buildGraph, layoutGraph } from '../src/graph';
import { rerunTargets, staleNodes } from '../src/stale';

const nodes = [
  { name: 'clean', inputs: ['raw'], outputs: ['table'] },
  { name: 'split', inputs: ['table', 'params:split'], outputs: ['train', 'test'] },
  { name: 'fit', inputs: ['train'], outputs: ['model'] },
  { name: 'score', inputs: ['model', 'test'], outputs: ['metrics'] }
];

describe('buildGraph', () => {
  it('joins each producer to its readers, one edge per pair', () => {
    const graph = buildGraph(nodes);
    expect(graph.edges).toEqual([
      { source: 'clean', target: 'split', datasets: ['table'] },
      { source: 'split', target: 'fit', datasets: ['train'] },
      { source: 'fit', target: 'score', datasets: ['model'] },
      { source: 'split', target: 'score', datasets: ['test'] }
    ]);
  });

  it('finds every ancestor', () => {
    expect(ancestors(buildGraph(nodes), 'score').sort()).toEqual(['clean', 'fit', 'split']);
    expect(ancestors(buildGraph(nodes), 'clean')).toEqual([]);
  });
});

describe('layoutGraph', () => {
  it('lays the nodes out top-down with dagre', () => {
    const layout = layoutGraph(buildGraph(nodes));
    const y = Object.fromEntries(layout.nodes.map(n => [n.name, n.y]));
    expect(y.clean).toBeLessThan(y.split);
    expect(y.split).toBeLessThan(y.fit);
    expect(y.fit).toBeLessThan(y.score);
    expect(layout.edges).toHaveLength(4);
    expect(layout.width).toBeGreaterThan(0);
  });
});

describe('staleNodes', () => {
  const graph = buildGraph(nodes);

  it('marks downstream cells when an upstream cell is edited or re-run after them', () => {
    const times = new Map([
      ['clean', { ranAt: 10 }],
      ['split', { ranAt: 20 }],
      ['fit', { ranAt: 30 }],
      ['score', { ranAt: 40 }]
    ]);
    expect(staleNodes(graph, times).size).toBe(0);
    times.set('split', { ranAt: 20, editedAt: 50 } as any);
    const stale = staleNodes(graph, times);
    expect([...stale.keys()]).toEqual(['fit', 'score']);
    expect(stale.get('score')).toEqual(['split']);
    times.set('fit', { ranAt: 60 });
    expect([...staleNodes(graph, times).keys()]).toEqual(['score']);
  });

  it('never marks a cell that has not run', () => {
    expect(staleNodes(graph, new Map([['clean', { ranAt: 5, editedAt: 9 }]])).size).toBe(0);
  });
});

describe('rerunTargets', () => {
  const graph = buildGraph(nodes);

  it('re-runs an edited upstream cell with the cells it made stale', () => {
    const times = new Map<string, { ranAt?: number; editedAt?: number }>([
      ['clean', { ranAt: 10 }],
      ['split', { ranAt: 20, editedAt: 50 }],
      ['fit', { ranAt: 30 }],
      ['score', { ranAt: 40 }]
    ]);
    expect([...rerunTargets(graph, times)].sort()).toEqual(['fit', 'score', 'split']);
  });

  it('does not re-run an upstream cell that was re-run, not edited, since', () => {
    const times = new Map([
      ['clean', { ranAt: 10 }],
      ['split', { ranAt: 50, editedAt: 5 }],
      ['fit', { ranAt: 30 }],
      ['score', { ranAt: 40 }]
    ]);
    expect([...rerunTargets(graph, times)].sort()).toEqual(['fit', 'score']);
  });

  it('re-runs nothing when nothing is stale', () => {
    expect(rerunTargets(graph, new Map([['split', { editedAt: 3 }]])).size).toBe(0);
  });
});
