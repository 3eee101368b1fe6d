import { registerHooks } from 'node:module';

/**
 * A catalog fix, deployed: loaded with `--import` into a kafka-consumer, it edits the event
 * catalog's source as a developer's fix would (UserRegistered also accepts a registeredAt without
 * a time zone) before the module is compiled. The dead-letter replay test restarts the consumer
 * with it to replay a record that the unfixed catalog dead-lettered. It fails loudly when the
 * line it edits is gone, so the test cannot pass against an unpatched catalog.
 */
const before = 'registeredAt: z.iso.datetime({ offset: true }),';
const after = 'registeredAt: z.iso.datetime({ offset: true, local: true }),';

registerHooks({
  load(url, context, nextLoad) {
    const loaded = nextLoad(url, context);
    if (!url.endsWith('/src/service/contract/events.ts')) return loaded;
    const source = String(loaded.source);
    if (!source.includes(before)) throw new Error(`catalog-fix: "${before}" is not in ${url} any more; update the test's fix`);
    return { ...loaded, source: source.replace(before, after) };
  },
});
