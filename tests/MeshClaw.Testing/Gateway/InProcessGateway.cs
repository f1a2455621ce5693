using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MeshClaw.Core.Home;
using MeshClaw.Core.Security;
using MeshClaw.Host.Access;
using MeshClaw.Host.Api;
using MeshClaw.Host.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MeshClaw.Testing.Gateway;

/// <summary>
/// A real gateway in this process, on a free loopback port, with a fake clock the test moves: the same composition,
/// endpoints, schemes and stores as <c>meshclaw up</c>, and the scripted model server for its models. Because time is
/// fake, expiry, quiet hours, retention and schedules are tested without waiting.
/// </summary>
public sealed class InProcessGateway : IAsyncDisposable
{
    private readonly bool _ownsHome;

    private InProcessGateway(MeshClawHome home, MeshClawGateway gateway, FakeTimeProvider time, ScriptedModelServer models, bool ownsHome)
    {
        Home = home;
        Gateway = gateway;
        Time = time;
        Models = models;
        _ownsHome = ownsHome;
    }

    public MeshClawHome Home { get; }
    public MeshClawGateway Gateway { get; }
    public FakeTimeProvider Time { get; }
    public ScriptedModelServer Models { get; }
    public IServiceProvider Services => Gateway.Services;
    public Uri Url => Gateway.Url;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Writes config.json (the scripted model as "main", plus <paramref name="extra"/> sections) and the agent files, then starts.</summary>
    public static async Task<InProcessGateway> StartAsync(ScriptedModelServer models, IReadOnlyDictionary<string, string> agents, JsonObject? extra = null,
        FakeTimeProvider? time = null, MeshClawHome? home = null, ILoggerProvider? logs = null, Action<MeshClawHome>? beforeStart = null, int retries = 0,
        int timeoutSeconds = 20)
    {
        var ownsHome = home is null;
        home ??= new MeshClawHome(Directory.CreateTempSubdirectory("meshclaw-gw").FullName);
        home.EnsureCreated();
        var config = extra?.DeepClone().AsObject() ?? [];
        // No retries by default: a retry waits on the (fake) clock, which only the test moves.
        config["models"] = new JsonObject
        {
            ["main"] = new JsonObject { ["kind"] = "openai-compatible", ["baseUrl"] = models.OpenAIBaseUrl.ToString(), ["model"] = "scripted-main", ["timeoutSeconds"] = timeoutSeconds, ["maxRetries"] = retries },
        };
        await File.WriteAllTextAsync(home.ConfigFile, config.ToJsonString());
        foreach (var (name, frontMatter) in agents)
        {
            await File.WriteAllTextAsync(Path.Combine(home.Agents, name + ".md"), $"---\nname: {name}\ndescription: test agent\n{frontMatter}\n---\nYou are a careful test agent.\n");
        }

        beforeStart?.Invoke(home);
        time ??= new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        Action<ILoggingBuilder> logging = logs is null ? b => b.AddFilter(_ => false) : b => b.AddProvider(logs);
        var gateway = await MeshClawGateway.StartAsync(new GatewayOptions(home, 0) { Time = time, Logging = logging }, CancellationToken.None);
        return new InProcessGateway(home, gateway, time, models, ownsHome);
    }

    /// <summary>A client of the API with the access token, as the CLI is.</summary>
    public HttpClient ApiClient()
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Get<ISecretStore>().Get(AccessToken.SecretName));
        return client;
    }

    /// <summary>A browser-like client signed in to the dashboard (it keeps its cookies; it follows no redirects).</summary>
    public async Task<HttpClient> DashboardClientAsync()
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = Url };
        using var signIn = await client.PostAsync(new Uri("login", UriKind.Relative),
            new FormUrlEncodedContent([new("token", Get<ISecretStore>().Get(AccessToken.SecretName)!)]));
        if (signIn.StatusCode != System.Net.HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"sign-in answered {(int)signIn.StatusCode}");
        }

        return client;
    }

    public async Task<RunView> RunAsync(string agent, string message, string trigger = "api", ContentBody? content = null)
    {
        using var client = ApiClient();
        using var response = await client.PostAsJsonAsync(new Uri("api/runs", UriKind.Relative), new StartRunBody(agent, message, Trigger: trigger, Content: content), ApiJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RunView>(ApiJson.Options))!;
    }

    /// <summary>Stops the gateway but keeps the home folder (for a restart on the same home).</summary>
    public async Task StopAsync() => await Gateway.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsHome)
        {
            try
            {
                Directory.Delete(Home.Root, recursive: true);
            }
            catch (IOException)
            {
                // A connection may still be closing; the OS cleans temp.
            }
        }
    }
}
