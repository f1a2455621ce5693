using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Home;
using MeshClaw.Core.Security;

namespace MeshClaw.Connectors.Slack;

/// <summary>Slack's posture: the tokens it names are in the secrets store.</summary>
public sealed class SlackDoctor(ISecretStore secrets) : IDoctorCheck
{
    public Task<IReadOnlyList<Finding>> CheckAsync(MeshClawHome home, ConfigSections config, CancellationToken cancellationToken)
    {
        var settings = config.Get<SlackSettings>();
        var findings = new List<Finding>();
        if (settings.Connected)
        {
            foreach (var name in new[] { settings.BotTokenSecret, settings.AppTokenSecret }.Where(n => string.IsNullOrEmpty(secrets.Get(n))))
            {
                findings.Add(new Finding(Severity.High, "slack", $"the secret {name} that config.json names for Slack is not set", "run: meshclaw connect slack"));
            }
        }

        return Task.FromResult<IReadOnlyList<Finding>>(findings);
    }
}
