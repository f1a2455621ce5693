using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MeshClaw.Testing;

/// <summary>
/// Anthropic's prompt cache as documented (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching):
/// the prompt is read as blocks in the order tools, system, messages; a block marked with <c>cache_control</c> writes the
/// prefix that ends with it; a later request reads the longest written prefix that ends at one of its breakpoints or
/// at most 20 blocks before one. Tokens are estimated at four characters each, so the figures are comparable between
/// requests, not exact.
/// </summary>
internal sealed class AnthropicPromptCache
{
    private const int LookBack = 20;
    private readonly Dictionary<string, int> _written = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The whole prompt's tokens and the part read from the cache, after writing this request's prefixes.</summary>
    public (int Input, int Cached) Measure(string body)
    {
        var blocks = Blocks(JsonNode.Parse(body)!.AsObject());
        var hashes = new string[blocks.Count];
        var chars = new int[blocks.Count];
        var running = Array.Empty<byte>();
        var total = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            total += blocks[i].Text.Length;
            running = SHA256.HashData([.. running, .. Encoding.UTF8.GetBytes(blocks[i].Text)]);
            hashes[i] = Convert.ToHexString(running);
            chars[i] = total;
        }

        var cachedChars = 0;
        lock (_gate)
        {
            foreach (var breakpoint in Enumerable.Range(0, blocks.Count).Where(i => blocks[i].Breakpoint))
            {
                for (var j = breakpoint; j >= Math.Max(0, breakpoint - LookBack); j--)
                {
                    if (_written.ContainsKey(hashes[j]))
                    {
                        cachedChars = Math.Max(cachedChars, chars[j]);
                        break;
                    }
                }
            }

            foreach (var breakpoint in Enumerable.Range(0, blocks.Count).Where(i => blocks[i].Breakpoint))
            {
                _written[hashes[breakpoint]] = chars[breakpoint];
            }
        }

        return (total / 4, cachedChars / 4);
    }

    private static List<(string Text, bool Breakpoint)> Blocks(JsonObject body)
    {
        var blocks = new List<(string, bool)>();
        void Add(string role, JsonNode? block)
        {
            if (block is JsonObject item)
            {
                var copy = item.DeepClone().AsObject();
                var marked = copy.Remove("cache_control");
                blocks.Add((role + copy.ToJsonString(), marked));
            }
            else if (block is not null)
            {
                blocks.Add((role + block.ToJsonString(), false));
            }
        }

        foreach (var tool in body["tools"]?.AsArray() ?? [])
        {
            Add("tool", tool);
        }

        foreach (var part in body["system"] is JsonArray system ? system : [body["system"]?.DeepClone()])
        {
            Add("system", part);
        }

        foreach (var message in body["messages"]?.AsArray() ?? [])
        {
            var role = (string?)message?["role"] ?? "";
            foreach (var part in message?["content"] is JsonArray content ? content : [message?["content"]?.DeepClone()])
            {
                Add(role, part);
            }
        }

        return blocks;
    }
}
