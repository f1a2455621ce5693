using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MeshClaw.Testing;

/// <summary>
/// A web server on loopback that records every request and answers with a fixed page: the attacker's server
/// in exfiltration tests, or a harmless allowed site. Nothing that reaches it goes unnoticed.
/// </summary>
public sealed class RequestSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<byte[]> _bodies = new();

    private RequestSink(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;
    public string HostAndPort => $"{BaseUrl.Host}:{BaseUrl.Port}";
    public IReadOnlyList<string> Requests => [.. _requests];
    /// <summary>The raw bodies of the requests, in order.</summary>
    public IReadOnlyList<byte[]> Bodies => [.. _bodies];
    public string Page { get; set; } = "<html><body><p>Nothing to see here.</p></body></html>";

    public static async Task<RequestSink> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<IHostLifetime>(new QuietHostLifetime());
        var app = builder.Build();
        var sink = new RequestSink(app);
        app.Run(async http =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            sink._bodies.Enqueue(body.ToArray());
            sink._requests.Enqueue(http.Request.Method + " " + http.Request.Path + http.Request.QueryString);
            http.Response.ContentType = "text/html";
            await http.Response.WriteAsync(sink.Page);
        });
        await app.StartAsync();
        sink.BaseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
