// The reason a control is not offered to the operator at the desk (see api/access.ts): one calm line
// where the controls would be, so a staff member knows who can do it rather than finding a missing button.
import type { Permission } from '../api/access';
import { Icon } from './Icon';

export function RoleNote({ permission, className }: { permission: Permission; className?: string }) {
  if (permission.allowed || !permission.reason) return null;
  return (
    <p className={['role-note', className].filter(Boolean).join(' ')} data-testid="role-note">
      <Icon name="shield" size={14} />
      <span>
        {permission.reason} <span className="muted">Ask an owner to sign in.</span>
      </span>
    </p>
  );
}
