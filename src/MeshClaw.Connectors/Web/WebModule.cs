using System.Text.Json;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Modules;
using MeshClaw.Core.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClaw.Connectors.Web;

/// <summary>Fetching web pages as readable text, under the "web" section's domain allow-list and limits.</summary>
public sealed class WebModule : IMeshClawModule
{
    public string Name => "web";
    public IReadOnlyList<IConfigSection> ConfigSections { get; } = [new Section()];
    public IConnectCommand? Connect => null;

    public void Register(MeshClawBuilder builder) => builder.Services.AddSingleton<IToolSource, Tools>();

    private sealed class Tools : IToolSource, IDisposable
    {
        // Redirects are reported, not followed: following one could leave the allow-listed domain.
        private readonly HttpClient _http = new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = WebFetchTool.ConnectCheckedAsync,
        });

        public IEnumerable<IAgentTool> CreateTools(ConfigSections config) => [new WebFetchTool(config.Get<WebSettings>(), _http)];

        public void Dispose() => _http.Dispose();
    }

    /// <summary>"web": {"allowDomains": [...], "timeoutSeconds": 20, "maxBytes": 524288}</summary>
    private sealed class Section() : ConfigSection<WebSettings>("web")
    {
        public override WebSettings Read(JsonElement section, ConfigReader at)
        {
            var web = section;
            at.Expect(web, JsonValueKind.Object, "web");
            at.OnlyKnown(web, "web", "allowDomains", "timeoutSeconds", "maxBytes");
            var defaults = new WebSettings();
            return new WebSettings
            {
                AllowDomains = at.StringList(web, "allowDomains", "web.allowDomains"),
                Timeout = TimeSpan.FromSeconds(Math.Clamp(at.Number(web, "timeoutSeconds", "web.timeoutSeconds") ?? (long)defaults.Timeout.TotalSeconds, 1, 3_600)),
                MaxBytes = (int)(at.Number(web, "maxBytes", "web.maxBytes") ?? defaults.MaxBytes),
            };
        }
    }
}
