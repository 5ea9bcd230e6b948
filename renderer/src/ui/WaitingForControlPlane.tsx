// What a view shows before its first answer while the control plane is not connected.
import { Icon } from './icons.tsx';

export function WaitingForControlPlane({ what }: { what: string }) {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center px-6 py-20 text-center">
      <div className="flex size-12 items-center justify-center rounded-xl bg-zinc-100 text-zinc-400 dark:bg-zinc-800/80 dark:text-zinc-500">
        <Icon name="plugOff" className="size-6" />
      </div>
      <h2 className="mt-4 text-base font-semibold tracking-tight">Waiting for the control plane</h2>
      <p className="mt-1.5 text-[13px] leading-relaxed text-zinc-600 dark:text-zinc-400">
        {what} appear here as soon as Baton is connected to its control plane.
      </p>
    </div>
  );
}
