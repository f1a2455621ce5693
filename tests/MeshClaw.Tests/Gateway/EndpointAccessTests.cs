using System.Net;
using System.Net.Http.Headers;
using MeshClaw.Host.Access;
using MeshClaw.Testing;
using MeshClaw.Testing.Gateway;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace MeshClaw.Tests.Gateway;

/// <summary>Every route is behind its door's scheme; only /health, the sign-in page and the one-time sign-in link are open; a cookie never opens the API.</summary>
public sealed class EndpointAccessTests : IAsyncLifetime
{
    private ScriptedModelServer _models = null!;
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _models = await ScriptedModelServer.StartAsync();
        _gateway = await InProcessGateway.StartAsync(_models, new Dictionary<string, string> { ["helper"] = "tools: [time.read]" });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _models.DisposeAsync();
    }

    [Fact]
    public void EveryEndpoint_HasItsDoorsPolicy_OrIsOneOfTheFewOpenOnes()
    {
        var endpoints = _gateway.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var open = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var route = $"{string.Join(",", endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])} /{endpoint.RoutePattern.RawText?.TrimStart('/')}";
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                open.Add(route);
                continue;
            }

            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Distinct().ToList();
            var policy = Assert.Single(policies);
            var path = endpoint.RoutePattern.RawText ?? "";
            var expected = path.StartsWith("/api", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/openapi", StringComparison.OrdinalIgnoreCase)
                ? AccessSchemes.Api
                : path.StartsWith("/slack/", StringComparison.OrdinalIgnoreCase) ? AccessSchemes.Slack
                : AccessSchemes.Dashboard;
            Assert.True(policy == expected, $"{route} is behind '{policy}', not '{expected}'");
        }

        Assert.Equal(["GET /dashboard.css", "GET /health", "GET /login", "GET /login/link", "POST /login"], open.Order(StringComparer.Ordinal));
        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} endpoints were found");
    }

    [Theory]
    [InlineData("api/runs")]
    [InlineData("API/runs")]
    [InlineData("Api/Audit")]
    [InlineData("api/approvals")]
    [InlineData("openapi/v1.json")]
    public async Task DashboardCookie_DoesNotOpenTheApi_InAnyCase(string path)
    {
        using var browser = await _gateway.DashboardClientAsync();
        using var page = await browser.GetAsync(new Uri("runs", UriKind.Relative));
        using var api = await browser.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task Token_DoesNotOpenTheDashboard_AndTheOpenApiDocumentIsServedBehindTheToken()
    {
        using var client = _gateway.ApiClient();
        using var page = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _gateway.Url, DefaultRequestHeaders = { Authorization = client.DefaultRequestHeaders.Authorization } }
            .GetAsync(new Uri("runs", UriKind.Relative));
        var document = await client.GetStringAsync(new Uri("openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("\"/api/runs\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/approvals/{id}/approve\"", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryAnswer_CarriesTheSecurityHeaders_AndAForeignHostNameIsRefused()
    {
        using var client = new HttpClient { BaseAddress = _gateway.Url };
        using var health = await client.GetAsync(new Uri("health", UriKind.Relative));
        using var rebound = new HttpRequestMessage(HttpMethod.Get, new Uri("health", UriKind.Relative));
        rebound.Headers.Host = "attacker.example";
        using var refused = await client.SendAsync(rebound);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("frame-ancestors 'none'", health.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", health.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", health.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task PagesApiAndRefusals_CarryTheStrictPolicy_AndNoPageHasInlineScriptOrStyle()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _gateway.Url };
        using var api = _gateway.ApiClient();
        using var browser = await _gateway.DashboardClientAsync();
        var answers = new List<(string What, HttpResponseMessage Response)>
        {
            ("sign-in page", await anonymous.GetAsync(new Uri("login", UriKind.Relative))),
            ("stylesheet", await anonymous.GetAsync(new Uri("dashboard.css", UriKind.Relative))),
            ("page without a session", await anonymous.GetAsync(new Uri("approvals", UriKind.Relative))),
            ("API", await api.GetAsync(new Uri("api/runs", UriKind.Relative))),
            ("API refusal", await anonymous.GetAsync(new Uri("api/runs", UriKind.Relative))),
            ("unknown route", await anonymous.GetAsync(new Uri("no-such-page", UriKind.Relative))),
        };
        foreach (var page in new[] { "", "runs", "approvals", "usage", "waste", "agents", "journal", "chat" })
        {
            answers.Add(($"/{page}", await browser.GetAsync(new Uri(page, UriKind.Relative))));
        }

        foreach (var (what, response) in answers)
        {
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), $"the {what} answer has no CSP");
            Assert.Equal(AccessServices.Csp, Assert.Single(csp));
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            if (response.Content.Headers.ContentType?.MediaType == "text/html")
            {
                var html = await response.Content.ReadAsStringAsync();
                Assert.DoesNotMatch("<style|\\sstyle=|<script(?![^>]*\\ssrc=)|\\son[a-z]+=", html);
            }
        }

        foreach (var directive in new[] { "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'" })
        {
            Assert.Contains(directive, AccessServices.Csp, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("unsafe", AccessServices.Csp, StringComparison.Ordinal);
        Assert.Equal("text/css", answers[1].Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(System.Net.HttpStatusCode.OK, answers[^1].Response.StatusCode);
        foreach (var (_, response) in answers)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task DashboardForm_WithoutTheAntiforgeryToken_IsRefused_AndSignOutEndsTheSession()
    {
        using var browser = await _gateway.DashboardClientAsync();
        using var noToken = await browser.PostAsync(new Uri("pause", UriKind.Relative), new FormUrlEncodedContent([new("x", "1")]));
        using var forged = await browser.PostAsync(new Uri("pause", UriKind.Relative), new FormUrlEncodedContent([new(AccessServices.CsrfField, "forged")]));
        var home = await browser.GetStringAsync(new Uri("", UriKind.Relative));
        var token = System.Text.RegularExpressions.Regex.Match(home, $"name=\"{AccessServices.CsrfField}\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signOut = await browser.PostAsync(new Uri("logout", UriKind.Relative), new FormUrlEncodedContent([new(AccessServices.CsrfField, token)]));
        using var after = await browser.GetAsync(new Uri("runs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.False(_gateway.Get<MeshClaw.Core.Policy.IPauseSwitch>().IsPaused);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.EndsWith("/login", after.Headers.Location?.ToString(), StringComparison.Ordinal);
    }
}
