import {
  nameProblem,
  nodeNameOf,
  suggestName,
  withNodeName,
  withSkip,
  SKIP_TAG
} from '../src/convention';

describe('suggestName', () => {
  it('takes the first top-level assignment', () => {
    const source = '# clean the table\nimport pandas as pd\n\ntable = raw.dropna()\nother = 1\n';
    expect(suggestName(source, [])).toBe('table');
  });

  it('takes the first target of a tuple and skips indented, magic and compared lines', () => {
    expect(suggestName('%time x\nif a == b:\n    inner = 1\nX_test, X_train = split()', [])).toBe(
      'X_test'
    );
  });

  it('reads annotated assignments and ignores comparisons', () => {
    expect(suggestName('a == b\nscore: float = 1.0', [])).toBe('score');
  });

  it('makes the name unique against the notebook', () => {
    expect(suggestName('model = fit()', ['model', 'model_2'])).toBe('model_3');
  });

  it('falls back to node_<n> when the cell binds nothing usable', () => {
    expect(suggestName('print(1)', [], 4)).toBe('node_4');
    expect(suggestName('_ = plot()\nclass = 1', [], 2)).toBe('node_2');
  });
});

describe('nameProblem', () => {
  it('accepts identifiers', () => {
    expect(nameProblem('clean_data', ['other'])).toBeNull();
    expect(nameProblem('données', [])).toBeNull();
  });

  it.each([['1st'], ['clean-data'], ['class'], ['with space'], ['']])('refuses %p', name => {
    expect(nameProblem(name, [])).toMatch(/node name|Give the node/);
  });

  it('refuses a name another cell uses', () => {
    expect(nameProblem('train', ['train'])).toMatch(/already the node "train"/);
  });
});

describe('tags', () => {
  it('replaces the node tag and keeps the others', () => {
    expect(withNodeName(['keep', 'node:old'], 'new')).toEqual(['keep', 'node:new']);
    expect(withNodeName(['keep', 'node:old'], null)).toEqual(['keep']);
    expect(nodeNameOf(['x', 'node:fit'])).toBe('fit');
    expect(nodeNameOf(undefined)).toBeNull();
  });

  it('toggles the skip tag once', () => {
    expect(withSkip(['a', SKIP_TAG], true)).toEqual(['a', SKIP_TAG]);
    expect(withSkip(['a', SKIP_TAG], false)).toEqual(['a']);
  });
});
