using MeshClaw.Core.Audit;
using MeshClaw.Core.Events;
using MeshClaw.Core.Settings;

namespace MeshClaw.Core.Policy;

/// <summary>The kill switch of one process, persisted in the settings store. A cluster's switch would be read from the shared store.</summary>
public sealed class PauseSwitch(ISettingsStore settings, IAuditLog audit, IEventStream events, TimeProvider time) : IPauseSwitch
{
    private const string Key = "paused";
    private volatile bool _paused;

    public bool IsPaused => _paused;

    public event Action? Paused;

    public event Action? Resumed;

    public async Task LoadAsync(CancellationToken cancellationToken) =>
        _paused = await settings.GetAsync(Key, cancellationToken) == "true";

    public async Task PauseAsync(string by, CancellationToken cancellationToken)
    {
        _paused = true;
        await settings.SetAsync(Key, "true", cancellationToken);
        await audit.AppendAsync(new AuditEvent("meshclaw.paused", by, null, new { }), cancellationToken);
        events.Publish(new PauseChanged(true, by, time.GetUtcNow()));
        Paused?.Invoke();
    }

    public async Task ResumeAsync(string by, CancellationToken cancellationToken)
    {
        _paused = false;
        await settings.SetAsync(Key, "false", cancellationToken);
        await audit.AppendAsync(new AuditEvent("meshclaw.resumed", by, null, new { }), cancellationToken);
        events.Publish(new PauseChanged(false, by, time.GetUtcNow()));
        Resumed?.Invoke();
    }
}
