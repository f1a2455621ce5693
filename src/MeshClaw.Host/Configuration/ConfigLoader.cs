using System.Text.Json;
using MeshClaw.Core.Configuration;
using MeshClaw.Core.Policy;
using MeshClaw.Host.Modules;
using MeshClaw.Core.Usage;
using MeshClaw.Models.Config;

namespace MeshClaw.Host.Configuration;

/// <summary>
/// Reads and validates config.json. Errors name the file and the JSON path of the field, and the line for
/// syntax errors, e.g. <c>config.json: models.local.baseUrl: 'localhost' is not an absolute http(s) URL</c>.
/// </summary>
public static class ConfigLoader
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static readonly string[] CoreFields =
        ["port", "bind", "timeZone", "defaultModel", "models", "prices", "policy", "audit", "budgets", "telemetry"];

    // Fields older versions wrote that mean nothing now; accepted so an upgrade does not refuse a working file.
    // schedulerTickSeconds: schedules fire on their own time since Quartz replaced the polling loop.
    private static readonly string[] RetiredFields = ["schedulerTickSeconds"];

    /// <summary>Loads config.json with the sections of MeshClaw's modules.</summary>
    public static MeshClawConfig Load(string path) => Load(path, MeshClawModules.Sections);

    public static MeshClawConfig Load(string path, IReadOnlyList<IConfigSection> sections) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), path, sections) : new MeshClawConfig { Sections = Defaults(sections) };

    /// <summary>Validates config text as if it were the file at <paramref name="path"/>.</summary>
    public static MeshClawConfig Parse(string text, string path) => Parse(text, path, MeshClawModules.Sections);

    public static MeshClawConfig Parse(string text, string path, IReadOnlyList<IConfigSection> sections)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, Options);
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"{path}:{(ex.LineNumber ?? 0) + 1}: invalid JSON: {ex.Message}");
        }

        using (document)
        {
            return Read(new ConfigReader(path, text), document.RootElement, sections);
        }
    }

    private static ConfigSections Defaults(IReadOnlyList<IConfigSection> sections) => new(sections.ToDictionary(s => s.SettingsType, s => s.Defaults));

    private static MeshClawConfig Read(ConfigReader at, JsonElement root, IReadOnlyList<IConfigSection> sections)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw at.Error("(root)", "expected a JSON object");
        }

        at.OnlyKnown(root, "", [.. CoreFields, .. RetiredFields, .. sections.Select(s => s.Key)]);
        var models = new Dictionary<string, ModelDefinition>(StringComparer.Ordinal);
        if (root.TryGetProperty("models", out var modelsElement) && modelsElement.ValueKind != JsonValueKind.Null)
        {
            at.Expect(modelsElement, JsonValueKind.Object, "models");
            foreach (var model in modelsElement.EnumerateObject())
            {
                models[model.Name] = ReadModel(at, model.Name, model.Value);
            }
        }

        foreach (var model in models.Values)
        {
            foreach (var fallback in model.Fallbacks.Where(f => !models.ContainsKey(f)))
            {
                throw at.Error($"models.{model.Name}.fallbacks", $"'{fallback}' is not a declared model");
            }
        }

        var defaultModel = at.Text(root, "defaultModel", "defaultModel");
        if (defaultModel is not null && !models.ContainsKey(defaultModel))
        {
            throw at.Error("defaultModel", $"'{defaultModel}' is not a declared model");
        }

        var port = at.Number(root, "port", "port") ?? 7788;
        if (port is < 1 or > 65535)
        {
            throw at.Error("port", $"{port} is not a TCP port (1-65535)");
        }

        var telemetry = ReadTelemetry(at, root);
        return new MeshClawConfig
        {
            Port = (int)port,
            Models = models,
            DefaultModel = defaultModel ?? (models.Count == 1 ? models.Keys.First() : null),
            Prices = ReadPrices(at, root),
            Policy = ReadPolicy(at, root),
            Sections = new ConfigSections(sections.ToDictionary(s => s.SettingsType,
                s => root.TryGetProperty(s.Key, out var value) && value.ValueKind != JsonValueKind.Null ? s.Read(value, at) : s.Defaults)),
            AuditEnabled = ReadAuditEnabled(at, root),
            Budgets = ReadBudgets(at, root),
            OtlpEndpoint = telemetry.Endpoint,
            TelemetryInterval = telemetry.Interval,
            BindAddress = at.Text(root, "bind", "bind") ?? "127.0.0.1",
        };
    }

    private static ModelDefinition ReadModel(ConfigReader at, string name, JsonElement element)
    {
        var field = $"models.{name}";
        at.Expect(element, JsonValueKind.Object, field);
        at.OnlyKnown(element, field, "kind", "baseUrl", "model", "apiKeySecret", "fallbacks", "timeoutSeconds", "maxRetries", "maxOutputTokens");
        var kindText = at.Text(element, "kind", $"{field}.kind") ?? throw at.Error($"{field}.kind", "is required (openai-compatible or anthropic)");
        var kind = kindText switch
        {
            "openai-compatible" or "openai" => ModelKind.OpenAICompatible,
            "anthropic" => ModelKind.Anthropic,
            _ => throw at.Error($"{field}.kind", $"unknown kind '{kindText}'; use openai-compatible or anthropic"),
        };
        Uri? baseUrl = null;
        if (at.Text(element, "baseUrl", $"{field}.baseUrl") is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            {
                throw at.Error($"{field}.baseUrl", $"'{url}' is not an absolute http(s) URL");
            }
        }
        else if (kind == ModelKind.OpenAICompatible)
        {
            throw at.Error($"{field}.baseUrl", "is required for an openai-compatible model, e.g. http://127.0.0.1:11434/v1 for Ollama");
        }

        return new ModelDefinition
        {
            Name = name,
            Kind = kind,
            ModelId = at.Text(element, "model", $"{field}.model") ?? throw at.Error($"{field}.model", "is required: the provider's model id"),
            BaseUrl = baseUrl,
            ApiKeySecret = at.Text(element, "apiKeySecret", $"{field}.apiKeySecret"),
            Fallbacks = at.StringList(element, "fallbacks", $"{field}.fallbacks"),
            Timeout = TimeSpan.FromSeconds(Math.Clamp(at.Number(element, "timeoutSeconds", $"{field}.timeoutSeconds") ?? 120, 1, 86_400)),
            MaxRetries = (int)Math.Min(10, at.Number(element, "maxRetries", $"{field}.maxRetries") ?? 2),
            MaxOutputTokens = (int)(at.Number(element, "maxOutputTokens", $"{field}.maxOutputTokens") ?? 4096),
        };
    }

    private static PolicySettings ReadPolicy(ConfigReader at, JsonElement root)
    {
        var timeZone = TimeZoneInfo.Local;
        if (at.Text(root, "timeZone", "timeZone") is { } zoneName && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out timeZone))
        {
            throw at.Error("timeZone", $"unknown time zone '{zoneName}'; use an IANA name such as Europe/Berlin");
        }

        if (!root.TryGetProperty("policy", out var policy) || policy.ValueKind == JsonValueKind.Null)
        {
            return new PolicySettings { TimeZone = timeZone! };
        }

        at.Expect(policy, JsonValueKind.Object, "policy");
        at.OnlyKnown(policy, "policy", "bulkLimitPerRun", "ratePerHour", "approvalTimeoutMinutes", "approvalTimeoutSeconds", "loosen", "subagentCallsPerRun", "subagentDepth");
        var loosened = new List<PolicyLoosening>();
        foreach (var (item, field) in at.ObjectList(policy, "loosen", "policy.loosen", "agent", "capability"))
        {
            loosened.Add(new PolicyLoosening(
                at.Text(item, "agent", $"{field}.agent") ?? throw at.Error($"{field}.agent", "is required"),
                at.Text(item, "capability", $"{field}.capability") ?? throw at.Error($"{field}.capability", "is required")));
        }

        var defaults = new PolicySettings();
        return new PolicySettings
        {
            BulkLimitPerRun = (int)(at.Number(policy, "bulkLimitPerRun", "policy.bulkLimitPerRun") ?? defaults.BulkLimitPerRun),
            RatePerHour = (int)(at.Number(policy, "ratePerHour", "policy.ratePerHour") ?? defaults.RatePerHour),
            // At most 30 days: an approval nobody answers for a month is a denial.
            ApprovalTimeout = TimeSpan.FromSeconds(Math.Min(30 * 86_400,
                at.Number(policy, "approvalTimeoutSeconds", "policy.approvalTimeoutSeconds")
                ?? at.Number(policy, "approvalTimeoutMinutes", "policy.approvalTimeoutMinutes") * 60
                ?? (long)defaults.ApprovalTimeout.TotalSeconds)),
            Loosened = loosened,
            TimeZone = timeZone!,
            SubagentCallsPerRun = (int)(at.Number(policy, "subagentCallsPerRun", "policy.subagentCallsPerRun") ?? defaults.SubagentCallsPerRun),
            SubagentDepth = (int)(at.Number(policy, "subagentDepth", "policy.subagentDepth") ?? defaults.SubagentDepth),
        };
    }

    private static (Uri? Endpoint, TimeSpan Interval) ReadTelemetry(ConfigReader at, JsonElement root)
    {
        if (!root.TryGetProperty("telemetry", out var telemetry) || telemetry.ValueKind == JsonValueKind.Null)
        {
            return (null, TimeSpan.FromSeconds(60));
        }

        at.Expect(telemetry, JsonValueKind.Object, "telemetry");
        at.OnlyKnown(telemetry, "telemetry", "otlpEndpoint", "intervalSeconds");
        Uri? endpoint = null;
        if (at.Text(telemetry, "otlpEndpoint", "telemetry.otlpEndpoint") is { } text
            && (!Uri.TryCreate(text, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            throw at.Error("telemetry.otlpEndpoint", $"'{text}' is not an absolute http(s) URL, e.g. http://127.0.0.1:4318");
        }

        return (endpoint, TimeSpan.FromSeconds(Math.Clamp(at.Number(telemetry, "intervalSeconds", "telemetry.intervalSeconds") ?? 60, 1, 86_400)));
    }

    private static Core.Agents.OverallBudget? ReadBudgets(ConfigReader at, JsonElement root)
    {
        if (!root.TryGetProperty("budgets", out var budgets) || budgets.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        at.Expect(budgets, JsonValueKind.Object, "budgets");
        at.OnlyKnown(budgets, "budgets", "tokensPerDay", "costPerDay", "costPerMonth", "warnAt");
        var warn = at.Money(budgets, "warnAt", "budgets") ?? 0.8m;
        if (warn is <= 0 or > 1)
        {
            throw at.Error("budgets.warnAt", $"{warn} is not a share between 0 and 1 (e.g. 0.8)");
        }

        return new Core.Agents.OverallBudget
        {
            TokensPerDay = at.Number(budgets, "tokensPerDay", "budgets.tokensPerDay"),
            CostPerDay = at.Money(budgets, "costPerDay", "budgets"),
            CostPerMonth = at.Money(budgets, "costPerMonth", "budgets"),
            WarnAt = (double)warn,
        };
    }

    private static bool ReadAuditEnabled(ConfigReader at, JsonElement root)
    {
        if (!root.TryGetProperty("audit", out var audit) || audit.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        at.Expect(audit, JsonValueKind.Object, "audit");
        at.OnlyKnown(audit, "audit", "enabled");
        return !audit.TryGetProperty("enabled", out var enabled) || enabled.ValueKind != JsonValueKind.False;
    }

    private static PriceTable ReadPrices(ConfigReader at, JsonElement root)
    {
        if (!root.TryGetProperty("prices", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return PriceTable.Empty;
        }

        at.Expect(element, JsonValueKind.Object, "prices");
        var prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in element.EnumerateObject())
        {
            var field = $"prices.{entry.Name}";
            at.Expect(entry.Value, JsonValueKind.Object, field);
            at.OnlyKnown(entry.Value, field, "inputPerMillion", "outputPerMillion", "cachedInputPerMillion");
            prices[entry.Name] = new ModelPrice(
                at.Money(entry.Value, "inputPerMillion", field) ?? 0m,
                at.Money(entry.Value, "outputPerMillion", field) ?? 0m,
                at.Money(entry.Value, "cachedInputPerMillion", field));
        }

        return new PriceTable(prices);
    }
}
