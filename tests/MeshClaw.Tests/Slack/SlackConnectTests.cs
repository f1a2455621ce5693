using System.Text.Json;
using MeshClaw.Connectors.Slack;
using MeshClaw.Core.Home;
using MeshClaw.Core.Modules;
using MeshClaw.Storage.Secrets;
using MeshClaw.Testing.Slack;

namespace MeshClaw.Tests.Slack;

/// <summary>`meshclaw connect slack` against the fake workspace: what it checks, what it says, and that a failure saves nothing.</summary>
public sealed class SlackConnectTests : IAsyncLifetime
{
    private const string Owner = "U0OWNER1";
    private FakeSlackServer _slack = null!;
    private MeshClawHome _home = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackServer.StartAsync();
        _slack.Users[Owner] = ("Olivia Owner", false);
        _home = new MeshClawHome(Directory.CreateTempSubdirectory("meshclaw-slack").FullName);
        _home.EnsureCreated();
        await File.WriteAllTextAsync(_home.ConfigFile, """{ "models": {} }""");
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        Directory.Delete(_home.Root, recursive: true);
    }

    private const string Signing = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string GoodSigning = "8f742231b10e8888abcd99eeefff85a5";

    private async Task<(int Code, RecordingConsole Console, FileSecretStore Secrets)> ConnectAsync(string bot = FakeSlackServer.BotToken, string app = FakeSlackServer.AppToken, string owner = Owner,
        string signing = "")
    {
        var console = new RecordingConsole(bot + "\n" + app + "\n" + signing);
        var secrets = new FileSecretStore(_home.Root);
        var input = new ConnectInput(new Dictionary<string, string?> { ["owner"] = owner, ["api-base-url"] = _slack.ApiBaseUrl.ToString() });
        var code = await new SlackConnect().RunAsync(input, new ConnectContext(_home, secrets, [new SlackConfigSection()], console), CancellationToken.None);
        return (code, console, secrets);
    }

    [Fact]
    public async Task GoodTokens_AreStored_TheOwnerRecorded_TheAssistantWritten_AndTheManifestPrinted()
    {
        var (code, console, secrets) = await ConnectAsync();

        Assert.True(code == 0, string.Join("\n", console.Errors));
        Assert.Equal(FakeSlackServer.BotToken, secrets.Get(SlackConnect.BotSecret));
        Assert.Equal(FakeSlackServer.AppToken, secrets.Get(SlackConnect.AppSecret));
        var config = await File.ReadAllTextAsync(_home.ConfigFile, CancellationToken.None);
        Assert.DoesNotContain(FakeSlackServer.BotToken, config, StringComparison.Ordinal);
        var slack = JsonDocument.Parse(config).RootElement.GetProperty("slack");
        Assert.Equal(Owner, slack.GetProperty("owner").GetString());
        Assert.Equal(FakeSlackServer.DirectOf(Owner), slack.GetProperty("ownerChannel").GetString());
        Assert.Equal(FakeSlackServer.BotUserId, slack.GetProperty("botUserId").GetString());
        Assert.True(File.Exists(Path.Combine(_home.Agents, "assistant.md")));
        Assert.Contains(console.Lines, l => l.Contains("chat:write", StringComparison.Ordinal) && l.Contains("message.im", StringComparison.Ordinal));
        Assert.Contains(_slack.Messages, m => m.Channel == FakeSlackServer.DirectOf(Owner) && m.Text.Contains("connected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadBotToken_SaysInvalidAuth_AndSavesNothing()
    {
        var (code, console, secrets) = await ConnectAsync(bot: "xoxb-revoked");

        Assert.Equal(1, code);
        Assert.Contains(console.Errors, e => e.Contains("bot token was refused (invalid_auth)", StringComparison.Ordinal) && e.Contains("Nothing was saved", StringComparison.Ordinal));
        AssertNothingSaved(secrets);
    }

    [Fact]
    public async Task MissingScope_IsNamed_AndNothingIsSaved()
    {
        _slack.Scopes.Remove("users:read");

        var (code, console, secrets) = await ConnectAsync();

        Assert.Equal(1, code);
        Assert.Contains(console.Errors, e => e.Contains("lacks the scope users:read (missing_scope", StringComparison.Ordinal));
        AssertNothingSaved(secrets);
    }

    [Fact]
    public async Task SocketModeOff_IsSaid_AndNothingIsSaved()
    {
        _slack.SocketModeEnabled = false;

        var (code, console, secrets) = await ConnectAsync();

        Assert.Equal(1, code);
        Assert.Contains(console.Errors, e => e.Contains("Socket Mode is not enabled", StringComparison.Ordinal));
        AssertNothingSaved(secrets);
    }

    [Fact]
    public async Task BotTokenGivenAsTheAppToken_IsRefusedBeforeAnyCall()
    {
        var (code, console, secrets) = await ConnectAsync(app: FakeSlackServer.BotToken);

        Assert.Equal(2, code);
        Assert.Contains(console.Errors, e => e.Contains("xapp-", StringComparison.Ordinal));
        Assert.Empty(_slack.Calls);
        AssertNothingSaved(secrets);
    }

    [Fact]
    public async Task UnknownOwner_IsRefused_AndNothingIsSaved()
    {
        var (code, console, secrets) = await ConnectAsync(owner: "U0NOBODY");

        Assert.Equal(1, code);
        Assert.Contains(console.Errors, e => e.Contains("no member 'U0NOBODY'", StringComparison.Ordinal));
        AssertNothingSaved(secrets);
    }

    [Fact]
    public async Task SigningSecretGivenToo_IsStored_AndConfigNamesIt()
    {
        var (code, console, secrets) = await ConnectAsync(signing: GoodSigning);

        Assert.True(code == 0, string.Join("\n", console.Errors));
        Assert.Equal(GoodSigning, secrets.Get(SlackConnect.SigningSecret));
        var config = await File.ReadAllTextAsync(_home.ConfigFile, CancellationToken.None);
        Assert.DoesNotContain(GoodSigning, config, StringComparison.Ordinal);
        Assert.Equal(SlackConnect.SigningSecret, JsonDocument.Parse(config).RootElement.GetProperty("slack").GetProperty("signingSecret").GetString());
    }

    [Fact]
    public async Task EventsApiOnly_NoAppToken_StoresTheSigningSecret_AndTurnsSocketModeOff()
    {
        var (code, console, secrets) = await ConnectAsync(app: "", signing: GoodSigning);

        Assert.True(code == 0, string.Join("\n", console.Errors));
        Assert.Equal(GoodSigning, secrets.Get(SlackConnect.SigningSecret));
        Assert.Null(secrets.Get(SlackConnect.AppSecret));
        Assert.False(JsonDocument.Parse(await File.ReadAllTextAsync(_home.ConfigFile, CancellationToken.None)).RootElement.GetProperty("slack").GetProperty("socketMode").GetBoolean());
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "apps.connections.open");
    }

    [Fact]
    public async Task MalformedSigningSecret_IsRefusedBeforeAnyCall_AndNothingIsSaved()
    {
        var (code, console, secrets) = await ConnectAsync(signing: Signing);

        Assert.Equal(2, code);
        Assert.Contains(console.Errors, e => e.Contains("Signing Secret", StringComparison.Ordinal) && e.Contains("nothing was saved", StringComparison.Ordinal));
        Assert.Empty(_slack.Calls);
        AssertNothingSaved(secrets);
    }

    [Fact]
    public async Task SigningSecretGiven_ButTheBotTokenRefused_SavesNothing()
    {
        var (code, _, secrets) = await ConnectAsync(bot: "xoxb-revoked", signing: GoodSigning);

        Assert.Equal(1, code);
        AssertNothingSaved(secrets);
    }

    [Fact]
    public async Task NeitherAppTokenNorSigningSecret_IsRefused_AndNothingIsSaved()
    {
        var (code, console, secrets) = await ConnectAsync(app: "");

        Assert.Equal(2, code);
        Assert.Contains(console.Errors, e => e.Contains("signing secret", StringComparison.Ordinal));
        AssertNothingSaved(secrets);
    }

    private void AssertNothingSaved(FileSecretStore secrets)
    {
        Assert.Null(secrets.Get(SlackConnect.BotSecret));
        Assert.Null(secrets.Get(SlackConnect.AppSecret));
        Assert.Null(secrets.Get(SlackConnect.SigningSecret));
        Assert.Equal("""{ "models": {} }""", File.ReadAllText(_home.ConfigFile));
        Assert.False(File.Exists(Path.Combine(_home.Agents, "assistant.md")));
    }
}
