using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using MeshClaw.Core.Audit;
using MeshClaw.Host.Access;
using MeshClaw.Host.Api;
using MeshClaw.Storage.Sqlite;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;

namespace MeshClaw.Tests.Gateway;

/// <summary>The one-time sign-in link of <c>meshclaw dashboard</c>: works once, for two minutes, minted only with the token, stored hashed.</summary>
public sealed class SignInLinkTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private ScriptedModelServer _models = null!;
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _models = await ScriptedModelServer.StartAsync();
        _gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string>(), logs: _logs);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _models.DisposeAsync();
    }

    private async Task<SignInLinkView> MintAsync()
    {
        using var api = _gateway.ApiClient();
        using var response = await api.PostAsJsonAsync(new Uri("api/dashboard/sign-in-link", UriKind.Relative), new { });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SignInLinkView>(ApiJson.Options))!;
    }

    private HttpClient Browser() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = _gateway.Url };

    private static string CodeOf(SignInLinkView link) => Uri.UnescapeDataString(new Uri(link.Url).Query.Split("code=")[1]);

    [Fact]
    public async Task Link_SignsInOnce_AndTheSecondUseIsRefusedWithAPageSayingWhy()
    {
        var link = await MintAsync();
        using var first = Browser();
        using var second = Browser();

        using var signIn = await first.GetAsync(new Uri(link.Url));
        using var home = await first.GetAsync(new Uri("/", UriKind.Relative));
        using var again = await second.GetAsync(new Uri(link.Url));
        using var notSignedIn = await second.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("This sign-in link has already been used or has expired", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, notSignedIn.StatusCode);
        Assert.StartsWith($"{_gateway.Url}login/link?code=sc_", link.Url, StringComparison.Ordinal);
        Assert.Equal(_gateway.Time.GetUtcNow() + TimeSpan.FromMinutes(2), link.ExpiresAt);
    }

    [Fact]
    public async Task Link_UsedAtTheSameTimeByManyBrowsers_SignsInExactlyOne()
    {
        var link = await MintAsync();
        var browsers = Enumerable.Range(0, 6).Select(_ => Browser()).ToList();

        var answers = await Task.WhenAll(browsers.Select(b => b.GetAsync(new Uri(link.Url))));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.BadRequest));
        browsers.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task Link_WorksJustBeforeTwoMinutes_AndIsRefusedAfter()
    {
        var early = await MintAsync();
        var late = await MintAsync();
        using var browser = Browser();

        _gateway.Time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        using var inTime = await browser.GetAsync(new Uri(early.Url));
        _gateway.Time.Advance(TimeSpan.FromSeconds(1));
        using var expired = await Browser().GetAsync(new Uri(late.Url));

        Assert.Equal(HttpStatusCode.Redirect, inTime.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
    }

    [Fact]
    public async Task Minting_WithADashboardCookieOrNothing_IsRefused_TheApiIsBearerOnly()
    {
        using var dashboard = await _gateway.DashboardClientAsync();
        using var anonymous = Browser();

        using var withCookie = await dashboard.PostAsJsonAsync(new Uri("api/dashboard/sign-in-link", UriKind.Relative), new { });
        using var withNothing = await anonymous.PostAsJsonAsync(new Uri("api/dashboard/sign-in-link", UriKind.Relative), new { });

        Assert.Equal(HttpStatusCode.Unauthorized, withCookie.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withNothing.StatusCode);
    }

    [Fact]
    public async Task Code_IsStoredOnlyAsItsHash_NeverLoggedNorAudited_AndTheLinkIsAudited()
    {
        var link = await MintAsync();
        var code = CodeOf(link);
        IReadOnlyList<string> keys;
        await using (var connection = await new SqliteDatabase(_gateway.Home.Database).OpenAsync(default))
        {
            keys = [.. await connection.QueryAsync<string>("SELECT key FROM dashboard_sessions")];
        }

        using var browser = Browser();
        using var signIn = await browser.GetAsync(new Uri(link.Url));
        var audit = await _gateway.Get<IAuditReader>().RecentAsync(50, null, default);

        Assert.Equal("sign-in-code:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code))), Assert.Single(keys));
        Assert.DoesNotContain(audit, a => a.Data.Contains(code, StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(code, StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Kind == "dashboard.sign-in-link");
        Assert.Contains(audit, a => a.Kind == "dashboard.signed-in" && a.Data.Contains("link", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sc_")]
    [InlineData("not-a-code")]
    [InlineData("sc_made-up-by-someone-guessing")]
    public async Task UnknownCodes_AreRefused(string code)
    {
        using var browser = Browser();

        using var answer = await browser.GetAsync(new Uri($"login/link?code={Uri.EscapeDataString(code)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
    }
}
