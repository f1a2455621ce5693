namespace MeshClaw.Core.Usage;

/// <summary>
/// A local token estimate for providers that report no usage (some llama.cpp and Ollama builds):
/// about four characters per token for English text, which is within ~20% for BPE tokenizers.
/// Rows built from it are flagged as estimated. The budget also uses it before a call, to refuse one that could not fit.
/// </summary>
public static class TokenEstimator
{
    public static long Estimate(string? text) => string.IsNullOrEmpty(text) ? 0 : (text.Length + 3) / 4;

    /// <summary>What a request would send: the text, tool calls and tool results of every message.</summary>
    public static long Estimate(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages) =>
        messages.Sum(m => Estimate(m.Text)
            + m.Contents.OfType<Microsoft.Extensions.AI.FunctionCallContent>().Sum(c => Estimate(c.Name) + 4 * (c.Arguments?.Count ?? 0))
            + m.Contents.OfType<Microsoft.Extensions.AI.FunctionResultContent>().Sum(r => Estimate(r.Result?.ToString())));
}
