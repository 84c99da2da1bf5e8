import type { EngineInfo } from '../../../preload/contract';
import { formatBytes } from '../../../preload/format';

/** What the engine runs on: backend, the others and why they are unavailable, devices, memory. */
export function EngineSection({ info, error }: { info: EngineInfo | undefined; error: string | undefined }) {
  if (error)
    return (
      <p className="panel-error" role="alert">
        Could not read the engine’s info: {error}
      </p>
    );
  if (!info) return <p className="muted">Waiting for the engine…</p>;
  return (
    <div className="engine-info" data-testid="engine-info">
      <p>
        Alignment Workbench {info.version} · engine process {info.runtime.pid} · node {info.runtime.node}
        {info.runtime.electron ? ` · electron ${info.runtime.electron}` : ''} · {info.runtime.platform}-
        {info.runtime.arch}
      </p>
      <h3>Tensor backends</h3>
      <table className="data-table">
        <thead>
          <tr>
            <th>backend</th>
            <th>state</th>
            <th>detail</th>
          </tr>
        </thead>
        <tbody>
          {info.backends.map((backend) => (
            <tr key={backend.name} data-testid={`backend-${backend.name}`}>
              <td>{backend.name}</td>
              <td>
                {backend.name === info.backend
                  ? info.forced
                    ? 'active (forced)'
                    : 'active'
                  : backend.available
                    ? 'available'
                    : 'unavailable'}
              </td>
              <td>{backend.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Devices</h3>
      <ul>
        {info.devices.map((device) => (
          <li key={`${device.kind}-${device.name}`}>
            {device.kind.toUpperCase()}: {device.name}
            {device.cores ? `, ${device.cores} cores` : ''}
            {device.memoryBytes ? `, ${formatBytes(device.memoryBytes)}` : ''}
          </li>
        ))}
      </ul>
      <h3>Memory</h3>
      <p>
        System {formatBytes(info.memory.systemTotalBytes)} ({formatBytes(info.memory.systemFreeBytes)} free) · engine{' '}
        {formatBytes(info.memory.engineRssBytes)} resident · {info.memory.numTensors} tensors (
        {formatBytes(info.memory.tensorBytes)})
      </p>
      <p className="muted">Workspace: {info.workspace}</p>
    </div>
  );
}
