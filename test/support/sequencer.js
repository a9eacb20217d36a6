// Runs the slowest suite, the chaos suite (test/chaos: ~8 minutes of seeded runs), first, so it overlaps the others
// instead of running alone at the end of a fresh clone's run (which has no timings cached to order by).
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const CHAOS = `${path.sep}chaos${path.sep}`;

class ChaosFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted.filter((t) => t.path.includes(CHAOS)), ...sorted.filter((t) => !t.path.includes(CHAOS))];
  }
}

module.exports = ChaosFirst;
