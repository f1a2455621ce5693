using System.Globalization;
using System.Text.Json;

namespace MeshClaw.Core.Configuration;

/// <summary>
/// Reads fields of config.json, failing with the file and the field's JSON path, e.g.
/// <c>config.json: email.accounts.mail.imapPort: expected a whole number...</c>. Every number is bounded, so no later
/// conversion (to int, to a TimeSpan, to a timer) can overflow. Given the file's text, it also names the line:
/// <c>config.json:12: email.accounts.mail.imapPort: ...</c>.
/// </summary>
public sealed class ConfigReader(string path, string? text = null)
{
    public string Path => path;

    public ConfigException Error(string field, string message) => new($"{path}:{LineOf(field)}: {field}: {message}");

    /// <summary>
    /// The line of the field, found by walking its path's keys through the text in order (JsonDocument keeps no
    /// positions); the deepest key found wins, and a field that cannot be found is placed on line 1.
    /// </summary>
    private int LineOf(string field)
    {
        if (text is null)
        {
            return 1;
        }

        var at = -1;
        foreach (var key in field.Split('.'))
        {
            var bracket = key.IndexOf('[', StringComparison.Ordinal);
            var name = bracket >= 0 ? key[..bracket] : key;
            var found = name.Length == 0 ? -1 : text.IndexOf($"\"{name}\"", Math.Max(at, 0), StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            at = found;
        }

        return at < 0 ? 1 : text.AsSpan(0, at).Count('\n') + 1;
    }

    public void Expect(JsonElement element, JsonValueKind kind, string field)
    {
        if (element.ValueKind != kind)
        {
            throw Error(field, $"expected {kind.ToString().ToLowerInvariant()}, found {element.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    public void OnlyKnown(JsonElement element, string field, params IReadOnlyList<string> known)
    {
        foreach (var property in element.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            var name = field.Length == 0 ? property.Name : $"{field}.{property.Name}";
            throw Error(name, $"unknown field; known fields are {string.Join(", ", known)}");
        }
    }

    /// <summary>The object under <paramref name="name"/>, or null when it is absent or null.</summary>
    public JsonElement? Map(JsonElement element, string name, string field)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Expect(value, JsonValueKind.Object, field);
        return value;
    }

    public string? Text(JsonElement element, string name, string field)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Expect(value, JsonValueKind.String, field);
        return value.GetString() is { Length: > 0 } text ? text : throw Error(field, "must not be empty");
    }

    public long? Number(JsonElement element, string name, string field)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n is >= 0 and <= 1_000_000_000
            ? n
            : throw Error(field, $"expected a whole number from 0 to 1000000000, found {value.GetRawText()}");
    }

    /// <summary>A positive whole number up to ten million (ports, days, counts).</summary>
    public int? Positive(JsonElement element, string name, string field)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is > 0 and <= 10_000_000
            ? n
            : throw Error(field, $"expected a positive integer up to 10000000, found {value.GetRawText()}");
    }

    public bool? Flag(JsonElement element, string name, string field)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(field, $"expected true or false, found {value.GetRawText()}"),
        };
    }

    public decimal? Money(JsonElement element, string name, string field)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d is >= 0 and <= 1_000_000_000
            ? d
            : throw Error($"{field}.{name}", $"expected a non-negative number, found {value.GetRawText()}");
    }

    /// <summary>
    /// The objects of the array under <paramref name="name"/>, each with its own field path (<c>email.rules[2]</c>) and
    /// checked for unknown fields; none when the array is absent or null.
    /// </summary>
    public IEnumerable<(JsonElement Item, string Field)> ObjectList(JsonElement element, string name, string field, params IReadOnlyList<string> known)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            yield break;
        }

        Expect(value, JsonValueKind.Array, field);
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemField = $"{field}[{(i++).ToString(CultureInfo.InvariantCulture)}]";
            Expect(item, JsonValueKind.Object, itemField);
            OnlyKnown(item, itemField, known);
            yield return (item, itemField);
        }
    }

    public IReadOnlyList<string> StringList(JsonElement element, string name, string field)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        Expect(value, JsonValueKind.Array, field);
        return [.. value.EnumerateArray().Select((item, i) => item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } s
            ? s
            : throw Error($"{field}[{i.ToString(CultureInfo.InvariantCulture)}]", "expected a non-empty text"))];
    }
}
