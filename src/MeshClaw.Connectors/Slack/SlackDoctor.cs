using MeshClaw.Core.Channels;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Home;
using MeshClaw.Core.Security;

namespace MeshClaw.Connectors.Slack;

/// <summary>Slack's posture: the tokens it names are in the secrets store, and no notification was given up on.</summary>
public sealed class SlackDoctor(ISecretStore secrets, IOutbox? outbox = null) : IDoctorCheck
{
    public async Task<IReadOnlyList<Finding>> CheckAsync(MeshClawHome home, ConfigSections config, CancellationToken cancellationToken)
    {
        var settings = config.Get<SlackSettings>();
        var findings = new List<Finding>();
        if (!settings.Connected)
        {
            return findings;
        }

        var needed = settings.SocketMode ? new[] { settings.BotTokenSecret, settings.AppTokenSecret } : [settings.BotTokenSecret, settings.SigningSecret];
        foreach (var name in needed.Where(n => string.IsNullOrEmpty(secrets.Get(n))))
        {
            findings.Add(new Finding(Severity.High, "slack", $"the secret {name} that config.json names for Slack is not set", "run: meshclaw connect slack"));
        }

        // Only a home with a database has a queue; the doctor never creates one by looking.
        if (outbox is not null && File.Exists(home.Database) && await FailedAsync(outbox, cancellationToken) is { Count: > 0 } failed)
        {
            findings.Add(new Finding(Severity.Medium, "slack",
                $"{failed.Count} notification(s) could not be delivered to Slack; the newest: {failed[0].Kind} {failed[0].Key}: {failed[0].Error}",
                failed[0].Error is "channel_not_found" or "not_in_channel" or "is_archived"
                    ? "the owner's DM is gone: run meshclaw connect slack again" : "they are on the dashboard's notification list; see the Slack error named"));
        }

        return findings;
    }

    private static async Task<IReadOnlyList<FailedDelivery>> FailedAsync(IOutbox outbox, CancellationToken cancellationToken)
    {
        try
        {
            return await outbox.FailedAsync(SlackOutboxDelivery.Channel, 100, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A home whose database is not there or not migrated yet has nothing queued to report.
            return [];
        }
    }
}
