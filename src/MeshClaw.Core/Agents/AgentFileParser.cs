using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MeshClaw.Core.Agents;

/// <summary>
/// Reads an agent file: YAML front matter between <c>---</c> lines, then the Markdown instructions.
/// Every problem is reported with the file, the line and the field, so one bad file is easy to fix
/// and never stops the others from loading.
/// </summary>
public static partial class AgentFileParser
{
    private static readonly HashSet<string> KnownFields =
        ["name", "description", "model", "fallbacks", "tools", "triggers", "budget", "quiet_hours", "subagents", "mail_folders", "slack_channels", "builtin", "mode", "context_tokens"];

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex AgentName();

    public static AgentLoadResult Parse(string path, string text)
    {
        var errors = new List<AgentFileError>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines.Length == 0 || lines[0].Trim() != "---")
        {
            return Fail(path, 1, "front matter", "the file must start with a '---' line opening the YAML front matter");
        }

        var close = Array.FindIndex(lines, 1, l => l.Trim() == "---");
        if (close < 0)
        {
            return Fail(path, 1, "front matter", "the YAML front matter is never closed with a '---' line");
        }

        var yaml = string.Join('\n', lines[1..close]);
        var body = string.Join('\n', lines[(close + 1)..]).Trim();
        YamlMappingNode root;
        var parser = new Parser(new StringReader(yaml));
        try
        {
            var stream = new YamlStream();
            stream.Load(parser);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                return Fail(path, 2, "front matter", "the front matter must be a YAML mapping of fields (name: ..., model: ...)");
            }

            root = mapping;
        }
        catch (YamlException ex)
        {
            // The front matter starts on the file's second line.
            return Fail(path, (int)ex.Start.Line + 1, "front matter", $"invalid YAML: {ex.InnerException?.Message ?? ex.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some unclosed flow collections; the parser's last position is where.
            var line = parser.Current is { } last ? (int)last.End.Line + 1 : 2;
            return Fail(path, line, "front matter", "invalid YAML near here: check for an unclosed '[', '{' or quote");
        }

        var reader = new FrontMatterReader(path, errors);
        foreach (var key in root.Children.Keys)
        {
            var field = (key as YamlScalarNode)?.Value ?? "";
            if (!KnownFields.Contains(field))
            {
                reader.Error(key, field, $"unknown field; known fields are {string.Join(", ", KnownFields.Order())}");
            }
        }

        var name = reader.RequiredString(root, "name");
        if (name is not null && !AgentName().IsMatch(name))
        {
            reader.Error(FrontMatterReader.NodeOf(root, "name")!, "name", "use lowercase letters, digits and '-' (at most 63 characters)");
        }

        var agent = new AgentDefinition
        {
            Name = name ?? "",
            Description = reader.OptionalString(root, "description") ?? "",
            Model = reader.OptionalString(root, "model"),
            Fallbacks = reader.StringList(root, "fallbacks"),
            Tools = reader.StringList(root, "tools"),
            Triggers = ReadTriggers(root, reader),
            Budget = ReadBudget(root, reader),
            QuietHours = ReadQuietHours(root, reader),
            Subagents = reader.StringList(root, "subagents"),
            MailFolders = reader.StringList(root, "mail_folders"),
            SlackChannels = reader.StringList(root, "slack_channels"),
            Builtin = reader.OptionalString(root, "builtin"),
            Mode = ReadMode(root, reader),
            ContextTokens = ReadContextTokens(root, reader),
            Instructions = body,
            SourcePath = path,
        };
        if (body.Length == 0)
        {
            errors.Add(new AgentFileError(path, close + 2, "instructions", "the body after the front matter is empty; write the agent's instructions there"));
        }

        return errors.Count == 0 ? new AgentLoadResult(agent, []) : new AgentLoadResult(null, errors);
    }

    private static IReadOnlyList<AgentTrigger> ReadTriggers(YamlMappingNode root, FrontMatterReader reader)
    {
        if (FrontMatterReader.NodeOf(root, "triggers") is not { } node)
        {
            return [];
        }

        if (node is not YamlSequenceNode items)
        {
            reader.Error(node, "triggers", "expected a list such as '- cron: \"0 6 * * *\"', '- interval: 15m' or '- event: email.received'");
            return [];
        }

        var triggers = new List<AgentTrigger>();
        foreach (var item in items)
        {
            if (item is not YamlMappingNode { Children.Count: 1 } single
                || single.Children.First() is not { Key: YamlScalarNode { Value: { } kindText }, Value: YamlScalarNode { Value: { } value } })
            {
                reader.Error(item, "triggers", "each trigger is one 'kind: value' pair (cron, interval or event)");
                continue;
            }

            if (!Enum.TryParse<AgentTriggerKind>(kindText, ignoreCase: true, out var kind) || int.TryParse(kindText, out _))
            {
                reader.Error(item, $"triggers.{kindText}", "unknown trigger kind; use cron, interval or event");
                continue;
            }

            if (kind == AgentTriggerKind.Interval && IntervalParser.TryParse(value) is null)
            {
                reader.Error(item, "triggers.interval", $"'{value}' is not an interval; write it like 30s, 15m, 2h or 1d");
                continue;
            }

            if (kind == AgentTriggerKind.Cron && value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is not (5 or 6))
            {
                reader.Error(item, "triggers.cron", $"'{value}' is not a cron expression of 5 fields (minute hour day month weekday)");
                continue;
            }

            triggers.Add(new AgentTrigger(kind, value));
        }

        return triggers;
    }

    private static AgentMode ReadMode(YamlMappingNode root, FrontMatterReader reader)
    {
        switch (reader.OptionalString(root, "mode"))
        {
            case null or "act":
                return AgentMode.Act;
            case "suggest":
                return AgentMode.Suggest;
            case var other:
                reader.Error(FrontMatterReader.NodeOf(root, "mode")!, "mode", $"'{other}' is not a mode; write 'act' (the default) or 'suggest' (every change is proposed for approval)");
                return AgentMode.Act;
        }
    }

    private static QuietHours? ReadQuietHours(YamlMappingNode root, FrontMatterReader reader)
    {
        if (reader.OptionalString(root, "quiet_hours") is not { } text)
        {
            return null;
        }

        return QuietHours.TryParse(text) ?? reader.ErrorNull(FrontMatterReader.NodeOf(root, "quiet_hours")!, "quiet_hours", $"'{text}' is not a time window; write it like 22:00-07:00");
    }

    private static AgentBudget ReadBudget(YamlMappingNode root, FrontMatterReader reader)
    {
        if (FrontMatterReader.NodeOf(root, "budget") is not { } node)
        {
            return AgentBudget.Default;
        }

        if (node is not YamlMappingNode budget)
        {
            reader.Error(node, "budget", "expected fields such as tokens_per_run, cost_per_run, tokens_per_day, cost_per_day, max_steps");
            return AgentBudget.Default;
        }

        string[] known = ["tokens_per_run", "cost_per_run", "tokens_per_day", "cost_per_day", "max_steps"];
        foreach (var key in budget.Children.Keys)
        {
            if (key is YamlScalarNode { Value: { } k } && !known.Contains(k))
            {
                reader.Error(key, $"budget.{k}", $"unknown budget field; known fields are {string.Join(", ", known)}");
            }
        }

        var maxSteps = reader.Number(budget, "max_steps", "budget.max_steps");
        return new AgentBudget
        {
            TokensPerRun = (long?)reader.Number(budget, "tokens_per_run", "budget.tokens_per_run"),
            CostPerRun = reader.Number(budget, "cost_per_run", "budget.cost_per_run"),
            TokensPerDay = (long?)reader.Number(budget, "tokens_per_day", "budget.tokens_per_day"),
            CostPerDay = reader.Number(budget, "cost_per_day", "budget.cost_per_day"),
            MaxSteps = maxSteps is { } steps ? (int)Math.Clamp(steps, 1, 200) : AgentBudget.Default.MaxSteps,
        };
    }

    private static int ReadContextTokens(YamlMappingNode root, FrontMatterReader reader)
    {
        if (reader.Number(root, "context_tokens", "context_tokens") is not { } tokens)
        {
            return AgentDefinition.DefaultContextTokens;
        }

        if (tokens is < 1000 or > 2_000_000)
        {
            reader.Error(FrontMatterReader.NodeOf(root, "context_tokens")!, "context_tokens", $"{tokens} is out of range; use a number of tokens from 1000 to 2000000");
            return AgentDefinition.DefaultContextTokens;
        }

        return (int)tokens;
    }

    private static AgentLoadResult Fail(string path, int line, string field, string message) =>
        new(null, [new AgentFileError(path, line, field, message)]);

    /// <summary>Typed reads of front-matter fields that record a located error instead of throwing.</summary>
    private sealed class FrontMatterReader(string path, List<AgentFileError> errors)
    {
        // The YAML parser counts lines from the first front-matter line; the file has '---' above it.
        public void Error(YamlNode node, string field, string message) =>
            errors.Add(new AgentFileError(path, (int)node.Start.Line + 1, field, message));

        public QuietHours? ErrorNull(YamlNode node, string field, string message)
        {
            Error(node, field, message);
            return null;
        }

        public static YamlNode? NodeOf(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        public string? RequiredString(YamlMappingNode map, string key)
        {
            if (NodeOf(map, key) is null)
            {
                errors.Add(new AgentFileError(path, 2, key, "required field is missing"));
                return null;
            }

            return OptionalString(map, key);
        }

        public string? OptionalString(YamlMappingNode map, string key)
        {
            var node = NodeOf(map, key);
            if (node is null)
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } value } && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }

            Error(node, key, "expected a non-empty text value");
            return null;
        }

        public IReadOnlyList<string> StringList(YamlMappingNode map, string key)
        {
            var node = NodeOf(map, key);
            switch (node)
            {
                case null:
                    return [];
                case YamlSequenceNode seq when seq.All(n => n is YamlScalarNode { Value.Length: > 0 }):
                    return [.. seq.Cast<YamlScalarNode>().Select(n => n.Value!.Trim())];
                default:
                    Error(node, key, "expected a list of names, e.g. [time.now, files.read]");
                    return [];
            }
        }

        public decimal? Number(YamlMappingNode map, string key, string field)
        {
            var node = NodeOf(map, key);
            if (node is null)
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } text }
                && decimal.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
                && value > 0)
            {
                return value;
            }

            Error(node, field, "expected a positive number");
            return null;
        }
    }
}
