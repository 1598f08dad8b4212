import { Page } from '../../components';
import { AccountsPanel } from './AccountsPanel';
import { SecurityPanel } from './SecurityPanel';
import { AboutPanel } from './AboutPanel';
import { PeoplePanel } from './PeoplePanel';
import { ReportsPanel } from './ReportsPanel';
import { SandboxPanel } from './SandboxPanel';
import { BackupPanel } from './BackupPanel';
import { DevelopersPanel } from './DevelopersPanel';
import { TeamPanel } from './TeamPanel';

export function SettingsScreen() {
  return (
    <Page title="Settings" description="Payment accounts, how your keys are protected, and this installation.">
      <div className="stack-lg">
        <AccountsPanel />
        <PeoplePanel />
        <TeamPanel />
        <ReportsPanel />
        <SecurityPanel />
        <DevelopersPanel />
        <BackupPanel />
        <SandboxPanel />
        <AboutPanel />
      </div>
    </Page>
  );
}
