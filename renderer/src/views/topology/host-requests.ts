// Requests/s per host as the metrics stream says (one frame a second, pushed): the topology shows
// it on each host's ingress. The stream is opened while the topology is connected; no polling.
import { useEffect, useState } from 'react';
import { useApi, useConnection } from '../../state/app-state.tsx';
import { requestsByHost } from './format.ts';

export function useHostRequests(): ReadonlyMap<string, number> {
  const api = useApi();
  const connection = useConnection();
  const [byHost, setByHost] = useState<ReadonlyMap<string, number>>(new Map());
  const connected = connection.status === 'connected';
  useEffect(() => {
    if (!connected) return;
    let cancel: () => void = () => {};
    try {
      cancel = api.stream('metrics', {}, { chunk: (frame) => setByHost(requestsByHost(frame)), end: () => {} });
    } catch {
      // an older control plane without the stream: no figures shown
    }
    return () => cancel();
  }, [api, connected]);
  return byHost;
}
