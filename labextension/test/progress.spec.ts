import { drawnStates, progressIn, runLine, PROGRESS_MIMETYPE } from '../src/progress';

describe('progress', () => {
  it('reads node states from an update_display_data content', () => {
    const content = {
      data: {
        'text/plain': 'Run: 1/2 nodes done',
        [PROGRESS_MIMETYPE]: {
          title: 'Run',
          nodes: {
            a: { state: 'done', seconds: 0.1 },
            b: { state: 'not run', seconds: null },
            c: { state: 'skipped', seconds: null }
          }
        }
      }
    };
    const data = progressIn(content)!;
    expect([...drawnStates(data)]).toEqual([
      ['a', 'done'],
      ['b', 'idle'],
      ['c', 'done']
    ]);
    expect(progressIn({ data: { 'text/plain': 'x' } })).toBeNull();
  });

  it('builds the %run_pipeline line', () => {
    expect(runLine('spaceflights.ipynb')).toBe('%run_pipeline --notebook spaceflights.ipynb');
    expect(runLine('a.ipynb', { fromNodes: ['fit'] })).toBe(
      '%run_pipeline --notebook a.ipynb --from-nodes fit'
    );
    expect(runLine('my nb.ipynb', { toNodes: ['x', 'y'] })).toBe(
      '%run_pipeline --notebook --to-nodes x,y'
    );
    expect(runLine('a.ipynb', { pipeline: 'data_science' })).toBe('%run_pipeline data_science');
  });
});
