// The image the example stack uses (example-stack.ts), from what the hosts have (`image.list`):
// asked again when the set of ready hosts changes or an image reaches a host; the fallback until
// an answer comes.
import { useEffect, useMemo, useState } from 'react';
import { useApi, useCluster, useConnection } from '../../state/app-state.tsx';
import { chooseExampleImage, type ExampleChoice } from './example-stack.ts';

export function useExampleChoice(): ExampleChoice {
  const api = useApi();
  const { status: connection } = useConnection();
  const { cluster } = useCluster();
  const ready = useMemo(
    () => cluster.hosts.filter((h) => h.state === 'ready').map((h) => h.name).sort(),
    [cluster.hosts],
  );
  const readyKey = ready.join('\n');
  const [choice, setChoice] = useState<ExampleChoice>(() => chooseExampleImage([], []));
  const [imagesChanged, setImagesChanged] = useState(0);

  useEffect(() => {
    if (connection !== 'connected') return;
    return api.subscribe((event) => {
      if (changesHostImages(event.kind)) setImagesChanged((n) => n + 1);
    });
  }, [api, connection]);

  useEffect(() => {
    if (connection !== 'connected') return;
    let current = true;
    const hosts = readyKey === '' ? [] : readyKey.split('\n');
    api.call('image.list', {}).then(
      (images) => {
        if (current) setChoice(chooseExampleImage(images, hosts));
      },
      () => {
        // no list (an older control plane, a host timing out): the example keeps the fallback, which says so
        if (current) setChoice(chooseExampleImage([], hosts));
      },
    );
    return () => {
      current = false;
    };
  }, [api, connection, readyKey, imagesChanged]);

  return choice;
}

/** Events after which a host may have an image it lacked: a copy done, a tag made. */
export function changesHostImages(kind: string): boolean {
  return kind === 'image.copied' || kind === 'image.tagged';
}
