// The metrics feed of a transport: one per connection to a control plane, shared by every chart.
import type { Transport } from '../../api/transport.ts';
import { MetricsFeed } from './metrics-feed.ts';

const feeds = new WeakMap<Transport, MetricsFeed>();

export function feedOf(api: Transport): MetricsFeed {
  let feed = feeds.get(api);
  if (feed === undefined) feeds.set(api, (feed = new MetricsFeed(api)));
  return feed;
}
