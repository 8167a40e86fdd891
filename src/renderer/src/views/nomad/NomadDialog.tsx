// A VM's Nomad dialog: "Export as Nomad job" and "Submit to Nomad" as two tabs.
import { Dialog } from '../../components/Dialog';
import { useUi, type NomadTab } from '../../stores/ui';
import { useNomadSubmit } from '../../stores/nomad-submit';
import { ExportJobPanel } from './ExportJobPanel';
import { SubmitJobPanel } from './SubmitJobPanel';

const LABEL: Record<NomadTab, string> = { export: 'Export as Nomad job', submit: 'Submit to Nomad' };

/** The dialog for VM `name`, on tab `tab`. */
export function NomadDialog({ name, tab }: { name: string; tab: NomadTab }) {
  const close = useUi((s) => s.closeDialog);
  const open = useUi((s) => s.openDialog);
  const submitting = useNomadSubmit((s) => s.running);
  return (
    <Dialog
      title={`${name} on Nomad`}
      wide
      onCancel={close}
      testId="nomad-dialog"
      footer={
        <button type="button" className="btn" onClick={close}>
          {submitting ? 'Close (the submission goes on)' : 'Close'}
        </button>
      }
    >
      <div className="tabs" role="tablist" aria-label="Nomad">
        {(['export', 'submit'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={`tab${tab === t ? ' active' : ''}`} onClick={() => open({ kind: 'nomad', name, tab: t })} data-testid={`nomad-tab-${t}`}>
            {LABEL[t]}
          </button>
        ))}
      </div>
      <div className="nomad-panel" role="tabpanel">
        {tab === 'export' ? <ExportJobPanel name={name} /> : <SubmitJobPanel name={name} />}
      </div>
    </Dialog>
  );
}
