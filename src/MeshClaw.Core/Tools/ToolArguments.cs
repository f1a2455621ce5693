using System.Text.Json;

namespace MeshClaw.Core.Tools;

/// <summary>Reads tool arguments sent by the model, failing with a message the model can act on.</summary>
public static class ToolArguments
{
    public static string RequiredString(JsonElement args, string name) =>
        OptionalString(args, name) ?? throw new ToolArgumentException($"the argument '{name}' is required and must be a string");

    public static string? OptionalString(JsonElement args, string name)
    {
        if (args.ValueKind != JsonValueKind.Object || !args.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ToolArgumentException($"the argument '{name}' must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}");
    }

    public static long? OptionalInteger(JsonElement args, string name)
    {
        if (args.ValueKind != JsonValueKind.Object || !args.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : throw new ToolArgumentException($"the argument '{name}' must be an integer");
    }

    public static bool? OptionalBoolean(JsonElement args, string name)
    {
        if (args.ValueKind != JsonValueKind.Object || !args.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ToolArgumentException($"the argument '{name}' must be true or false"),
        };
    }
}
