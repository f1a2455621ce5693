using System.CommandLine;
using System.Globalization;
using MeshClaw.Cli.Output;
using MeshClaw.Core.Audit;
using MeshClaw.Core.Composition;
using MeshClaw.Core.Doctor;
using MeshClaw.Core.Home;
using MeshClaw.Core.Security;
using MeshClaw.Core.Usage;
using MeshClaw.Host.Doctor;
using MeshClaw.Models.Config;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace MeshClaw.Cli.Commands.Init;

/// <summary>
/// <c>meshclaw init</c>: a guided first run. Finds local model servers, tries the chosen model for real (one answer and
/// one tool call) before saving it, writes a first agent with its workspace, offers the connectors, and ends with
/// doctor. Every question is also a flag, and <c>--yes</c> takes the defaults, so scripts and tests run it unattended.
/// </summary>
public static class InitCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var url = new Option<string?>("--model-url") { Description = "An OpenAI-compatible server's URL ending before /chat/completions, e.g. http://127.0.0.1:11434/v1 (default: the first server found on this machine)" };
        var model = new Option<string?>("--model") { Description = "The model id the server knows, e.g. llama3.1 (default: the first it lists)" };
        var kind = new Option<string>("--kind") { Description = "openai-compatible or anthropic", DefaultValueFactory = _ => "openai-compatible" };
        var keySecret = new Option<string?>("--api-key-secret") { Description = "Name of the secret holding the API key (asked for when not stored yet; default ANTHROPIC_API_KEY for anthropic)" };
        var name = new Option<string?>("--name") { Description = "The model's name in config.json (default: local, or claude for anthropic)" };
        var agent = new Option<string>("--agent") { Description = "The first agent's name", DefaultValueFactory = _ => "helper" };
        var scan = new Option<string>("--scan") { Description = "Loopback ports to look for model servers on", DefaultValueFactory = _ => string.Join(',', ModelServerScan.UsualPorts.Keys) };
        var force = new Option<bool>("--force") { Description = "Replace a model of the same name in config.json" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Ask nothing: take the defaults and the flags (for scripts)" };
        var command = new Command("init", "Set MeshClaw up: find and check a model, write a first agent, connect accounts, check the posture")
        {
            url, model, kind, keySecret, name, agent, scan, force, yes,
        };
        command.SetAction((parse, ct) => CommandGuard.RunAsync(async () =>
        {
            Uri? modelUrl = null;
            if (parse.GetValue(url) is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out modelUrl) || modelUrl.Scheme is not ("http" or "https")))
            {
                Terminal.Error($"--model-url '{text}' is not an http(s) URL; for example http://127.0.0.1:11434/v1");
                return CommandGuard.Usage;
            }

            var flags = new InitFlags(modelUrl, parse.GetValue(model), parse.GetValue(kind)!, parse.GetValue(keySecret), parse.GetValue(name),
                parse.GetValue(agent)!, parse.GetValue(scan)!, parse.GetValue(force), Ask: !parse.GetValue(yes) && !Console.IsInputRedirected);
            return await RunAsync(globals.HomeOf(parse), flags, ct);
        }));
        return command;
    }

    private static async Task<int> RunAsync(MeshClawHome home, InitFlags flags, CancellationToken cancellationToken)
    {
        if (flags.Kind is not ("openai-compatible" or "anthropic"))
        {
            Terminal.Error($"--kind '{flags.Kind}' is not known; use openai-compatible or anthropic");
            return CommandGuard.Usage;
        }

        home.EnsureCreated();
        Terminal.Line($"MeshClaw home: {home.Root}");
        var config = FirstHome.ReadConfig(home);
        await using var offline = Host.Composition.OfflineMeshClaw.Open(home);
        await offline.GetRequiredService<IStoreInitializer>().InitializeAsync(cancellationToken);
        var secrets = offline.GetRequiredService<ISecretStore>();

        // 1. Which model: a flag, a server found on this machine, or the user's answer.
        if (await ChooseModelAsync(flags, cancellationToken) is not { } choice)
        {
            return CommandGuard.Failed;
        }

        if ((config["models"] as System.Text.Json.Nodes.JsonObject)?.ContainsKey(choice.Name) == true && !flags.Force
            && !(flags.Ask && AnsiConsole.Confirm($"config.json already has a model named '{choice.Name}'. Replace it?", false)))
        {
            Terminal.Error($"config.json already has a model named '{choice.Name}'; choose another with --name, or replace it with --force");
            return CommandGuard.Failed;
        }

        // 2. A key typed now is tried before it is stored.
        var checkSecrets = secrets;
        string? typedKey = null;
        if (choice.ApiKeySecret is { } secretName && secrets.Get(secretName) is null)
        {
            if (!flags.Ask)
            {
                Terminal.Error($"model '{choice.Name}' needs its API key in the secret '{secretName}'; store it first with: meshclaw secrets set {secretName}");
                return CommandGuard.Failed;
            }

            typedKey = AnsiConsole.Prompt(new TextPrompt<string>($"API key for '{choice.Name}' (stored encrypted as {secretName}):").Secret());
            checkSecrets = new PendingSecret(secrets, secretName, typedKey);
        }

        // 3. One answer and one tool call, or nothing is saved.
        Terminal.Line($"trying model '{choice.ModelId}' at {choice.BaseUrl?.ToString() ?? "Anthropic"}...");
        var check = await ModelCheck.RunAsync(choice, checkSecrets, offline.GetRequiredService<IUsageLedger>(), cancellationToken);
        if (!check.Answered)
        {
            Terminal.Error($"model '{choice.ModelId}' did not answer: {check.Problem}. Nothing was saved.");
            return CommandGuard.Failed;
        }

        if (!check.CalledTool)
        {
            Terminal.Error($"model '{choice.ModelId}' answers but cannot call tools: {check.Problem}. Agents act through tool calls, so it cannot work for one; " +
                "choose a model that supports tool calling (for Ollama: llama3.1, qwen2.5 or mistral-nemo, for example). Nothing was saved.");
            return CommandGuard.Failed;
        }

        Terminal.Line($"model '{choice.ModelId}' answered (\"{Terminal.Safe(Shorten(check.Reply!))}\") and called a tool: it can work for an agent");
        if (typedKey is not null)
        {
            secrets.Set(choice.ApiKeySecret!, typedKey);
        }

        var defaultNote = FirstHome.SaveModel(home, config, choice);
        Terminal.Line($"saved model '{choice.Name}' in config.json; {defaultNote}");

        // 4. A first agent to talk to.
        var agentFile = Path.Combine(home.Agents, flags.Agent + ".md");
        Terminal.Line(FirstHome.WriteAgent(home, flags.Agent, choice.Name)
            ? $"wrote agent '{flags.Agent}' ({agentFile}); its workspace is {home.WorkspaceOf(flags.Agent)}"
            : $"agent '{flags.Agent}' exists already ({agentFile}); left as it is");
        await offline.GetRequiredService<IAuditLog>().AppendAsync(
            new AuditEvent("setup.init", "user:cli", null, new { model = choice.Name, modelId = choice.ModelId, agent = flags.Agent }), cancellationToken);

        // 5. Accounts, then the posture.
        await InitConnect.OfferAsync(home, secrets, flags.Ask, cancellationToken);
        var findings = await offline.GetRequiredService<PostureDoctor>().CheckAsync(cancellationToken);
        foreach (var finding in findings.Where(f => f.Severity >= Severity.Medium).OrderByDescending(f => f.Severity))
        {
            Terminal.Line($"doctor: [{finding.Severity.ToString().ToLowerInvariant()}] {finding.Check}: {finding.Problem}\n    fix: {finding.Fix}");
        }

        Terminal.Line(string.Create(CultureInfo.InvariantCulture, $"doctor: {findings.Count} finding(s), {findings.Count(f => f.Severity == Severity.High)} high"));
        Terminal.Line($"""

            Ready. Next:
              ./meshclaw up                     # in another terminal: the gateway and the dashboard
              ./meshclaw run {flags.Agent} -m "What does notes.txt say, and what day is it today?"
              ./meshclaw chat {flags.Agent}
            """);
        return findings.Any(f => f.Severity == Severity.High) ? CommandGuard.Failed : 0;
    }

    private static async Task<ModelDefinition?> ChooseModelAsync(InitFlags flags, CancellationToken cancellationToken)
    {
        var anthropic = flags.Kind == "anthropic";
        var baseUrl = flags.Url;
        var modelId = flags.Model;
        if (baseUrl is null && !anthropic)
        {
            if (!TryPorts(flags.Scan, out var ports))
            {
                Terminal.Error($"--scan '{flags.Scan}' is not a comma-separated list of ports 1-65535");
                return null;
            }

            var found = await ModelServerScan.ScanAsync(ports, cancellationToken);
            if (found.Count == 0)
            {
                Terminal.Error($"no model server answers on 127.0.0.1 ports {flags.Scan} ({string.Join(", ", ports.Select(p => ModelServerScan.UsualPorts.GetValueOrDefault(p, p.ToString(CultureInfo.InvariantCulture))))}). " +
                    "Start one (Ollama: `ollama serve`, then `ollama pull llama3.1`; or `scripts/model-stub` for a demo model), or pass --model-url and --model, or --kind anthropic.");
                return null;
            }

            foreach (var server in found)
            {
                Terminal.Line($"found {server.Product} at {server.BaseUrl} serving {(server.Models.Count == 0 ? "no models yet" : string.Join(", ", server.Models))}");
            }

            var chosen = flags.Ask && found.Count > 1
                ? AnsiConsole.Prompt(new SelectionPrompt<FoundServer>().Title("Which server?").UseConverter(s => $"{s.Product} at {s.BaseUrl}").AddChoices(found))
                : found[0];
            baseUrl = chosen.BaseUrl;
            if (modelId is null)
            {
                if (chosen.Models.Count == 0)
                {
                    Terminal.Error($"{chosen.Product} at {chosen.BaseUrl} serves no model yet (for Ollama: `ollama pull llama3.1`); or pass --model");
                    return null;
                }

                modelId = flags.Ask && chosen.Models.Count > 1
                    ? AnsiConsole.Prompt(new SelectionPrompt<string>().Title("Which model?").AddChoices(chosen.Models))
                    : chosen.Models[0];
            }
        }

        if (modelId is null)
        {
            if (!flags.Ask)
            {
                Terminal.Error(anthropic ? "--kind anthropic needs --model, e.g. claude-sonnet-4-5" : "--model-url needs --model: the model id the server knows");
                return null;
            }

            modelId = AnsiConsole.Prompt(new TextPrompt<string>("Model id:").DefaultValue(anthropic ? "claude-sonnet-4-5" : "llama3.1"));
        }

        return new ModelDefinition
        {
            Name = flags.Name ?? (anthropic ? "claude" : "local"),
            Kind = anthropic ? ModelKind.Anthropic : ModelKind.OpenAICompatible,
            ModelId = modelId,
            BaseUrl = baseUrl,
            ApiKeySecret = flags.KeySecret ?? (anthropic ? "ANTHROPIC_API_KEY" : null),
            MaxRetries = 0,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    private static bool TryPorts(string text, out List<int> ports)
    {
        ports = [];
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                return false;
            }

            ports.Add(port);
        }

        return ports.Count > 0;
    }

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;

    private sealed record InitFlags(Uri? Url, string? Model, string Kind, string? KeySecret, string? Name, string Agent, string Scan, bool Force, bool Ask);
}
