using MeshClaw.Core.Journal;
using MeshClaw.Host.Configuration;
using MeshClaw.Core.Home;

namespace MeshClaw.Host.Gateway;

/// <summary>What the gateway tells the user when it comes up: where it listens, the token once, and anything left from last time.</summary>
public sealed record StartupReport(
    string Url,
    MeshClawHome Home,
    string? NewToken,
    int Interrupted,
    int Parked,
    IReadOnlyList<(JournalEntry Entry, JournalStatus Outcome)> Reconciled,
    MeshClawConfig Config,
    bool Paused)
{
    public static async Task WriteAsync(TextWriter output, StartupReport report)
    {
        await output.WriteLineAsync($"MeshClaw {GatewayInfo.Version} listening on {report.Url} (home: {report.Home.Root})");
        if (report.NewToken is { } token)
        {
            await output.WriteLineAsync($"Access token (shown once; the CLI reads it from the home folder): {token}");
        }

        if (report.Paused)
        {
            await output.WriteLineAsync("MeshClaw is PAUSED: autonomous runs are held until 'meshclaw resume'.");
        }

        if (report.Interrupted > 0)
        {
            await output.WriteLineAsync($"{report.Interrupted} run(s) were interrupted when the gateway last stopped; see: meshclaw runs list");
        }

        if (report.Parked > 0)
        {
            await output.WriteLineAsync($"{report.Parked} run(s) are waiting for approval again; see: meshclaw approvals list");
        }

        foreach (var (entry, outcome) in report.Reconciled)
        {
            await output.WriteLineAsync($"action {entry.Id} ({entry.Tool} {entry.Target}) of run {entry.RunId} had no recorded result; checked: {outcome.ToString().ToLowerInvariant()}");
        }

        if (!report.Config.AuditEnabled)
        {
            await output.WriteLineAsync("WARNING: the audit log is switched off in config.json; run meshclaw doctor.");
        }

        if (report.Config.Models.Count == 0)
        {
            await output.WriteLineAsync($"No model is configured yet: add one under \"models\" in {report.Home.ConfigFile}.");
        }

        await output.FlushAsync();
    }
}
