// What a view shows before its first answer while the control plane is not connected.
import { EmptyState } from './EmptyState.tsx';
import { Icon } from './icons.tsx';

export function WaitingForControlPlane({ what }: { what: string }) {
  return (
    <EmptyState icon={<Icon name="plugOff" className="size-6" />} title="Waiting for the control plane" tone="muted" className="py-20">
      {what} appear here as soon as Baton is connected to its control plane.
    </EmptyState>
  );
}
