using MeshClaw.Core.Audit;
using MeshClaw.Core.Policy;
using MeshClaw.Storage.Settings;

namespace MeshClaw.Host.Safety;

/// <summary>The kill switch, persisted so a restart does not quietly resume. Pausing cancels autonomous runs at once.</summary>
public sealed class PauseSwitch(SqliteSettings settings, IAuditLog audit) : IPauseSwitch
{
    private const string Key = "paused";
    private volatile bool _paused;

    public bool IsPaused => _paused;

    /// <summary>Raised after pausing, so running autonomous work can be cancelled.</summary>
    public event Action? Paused;

    public async Task LoadAsync(CancellationToken cancellationToken) =>
        _paused = await settings.GetAsync(Key, cancellationToken) == "true";

    public async Task PauseAsync(string by, CancellationToken cancellationToken)
    {
        _paused = true;
        await settings.SetAsync(Key, "true", cancellationToken);
        await audit.AppendAsync(new AuditEvent("meshclaw.paused", by, null, new { }), cancellationToken);
        Paused?.Invoke();
    }

    public async Task ResumeAsync(string by, CancellationToken cancellationToken)
    {
        _paused = false;
        await settings.SetAsync(Key, "false", cancellationToken);
        await audit.AppendAsync(new AuditEvent("meshclaw.resumed", by, null, new { }), cancellationToken);
    }
}
