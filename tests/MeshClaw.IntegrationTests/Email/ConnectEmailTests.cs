using MeshClaw.IntegrationTests.Infrastructure;
using MeshClaw.Testing.Mail;

namespace MeshClaw.IntegrationTests.Email;

/// <summary>`meshclaw connect email` against the real server: success lists folders; each failure names its step.</summary>
public sealed class ConnectEmailTests(MailGatewayFixture fixture) : IClassFixture<MailGatewayFixture>
{
    private static string[] Args(MailServer mail, string host, int port, string user = "alice", string tls = "none") =>
        ["connect", "email", "--account", "work", "--imap-host", host, "--imap-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--imap-tls", tls, "--user", user];

    [Fact]
    public async Task GoodAccount_IsTestedSavedAndItsFoldersListed()
    {
        using var home = new TestHome();

        var result = await MeshClawCli.RunAsync(home.Root, Args(fixture.Mail, fixture.Mail.Host, fixture.Mail.ImapPort), stdin: MailGatewayFixture.Password + "\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("connected 'work'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Drafts", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"imapHost\"", File.ReadAllText(Path.Combine(home.Root, "config.json")), StringComparison.Ordinal);
        Assert.DoesNotContain(MailGatewayFixture.Password, File.ReadAllText(Path.Combine(home.Root, "config.json")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("login", "wrong-password", null, 0, "none")]
    [InlineData("connect", null, null, 1, "none")]
    [InlineData("DNS", null, "no-such-host.invalid", 993, "ssl")]
    // Plain text to a host that is not this machine is refused before anything is sent, even a DNS lookup.
    [InlineData("TLS", null, "imap.example.invalid", 143, "none")]
    public async Task BadAccount_SaysWhichStepFailed_AndSavesNothing(string step, string? password, string? host, int port, string tls)
    {
        using var home = new TestHome();
        var before = File.Exists(Path.Combine(home.Root, "config.json")) ? File.ReadAllText(Path.Combine(home.Root, "config.json")) : null;

        var result = await MeshClawCli.RunAsync(home.Root, Args(fixture.Mail, host ?? fixture.Mail.Host, port == 0 ? fixture.Mail.ImapPort : port, tls: tls),
            stdin: (password ?? MailGatewayFixture.Password) + "\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"cannot connect account 'work': {step}:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", result.Stderr, StringComparison.Ordinal);
        var after = File.Exists(Path.Combine(home.Root, "config.json")) ? File.ReadAllText(Path.Combine(home.Root, "config.json")) : null;
        Assert.Equal(before, after);
    }
}
