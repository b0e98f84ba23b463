/**
 * `npm run reindex-members`: once, after deploying the by-name index (GSI4)
 * and the word index to a table that already holds members
 * (infra/cli/reindex.ts). Uses the table named by `TABLE_NAME` and the
 * default AWS credential chain; safe to run again.
 */
import { reindexMembers } from './reindex.ts';

const counts = await reindexMembers();
console.log(
  `members examined: ${counts.examined}, reindexed: ${counts.reindexed}, changed meanwhile (already indexed): ${counts.skipped}`,
);
