using MeshClaw.Connectors.Slack;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Home;
using MeshClaw.Storage.Secrets;

namespace MeshClaw.Tests.Slack;

/// <summary>`meshclaw doctor` on Slack: a connected workspace whose tokens are missing from the secrets store is a high finding.</summary>
public sealed class SlackDoctorTests : IDisposable
{
    private readonly MeshClawHome _home = new(Directory.CreateTempSubdirectory("meshclaw-slack-doctor").FullName);

    public void Dispose() => Directory.Delete(_home.Root, recursive: true);

    private static ConfigSections With(SlackSettings settings) => new(new Dictionary<Type, object> { [typeof(SlackSettings)] = settings });

    [Fact]
    public async Task ConnectedWithoutItsTokens_IsAHighFinding_NamingTheSecret()
    {
        var secrets = new FileSecretStore(_home.Root);
        secrets.Set("SLACK_BOT_TOKEN", "xoxb-1");

        var findings = await new SlackDoctor(secrets).CheckAsync(_home, With(new SlackSettings { Owner = "U0OWNER1" }), CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("SLACK_APP_TOKEN", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotConnected_NothingToSay() =>
        Assert.Empty(await new SlackDoctor(new FileSecretStore(_home.Root)).CheckAsync(_home, With(new SlackSettings()), CancellationToken.None));
}
