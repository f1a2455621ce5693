namespace MeshClaw.Core.Usage;

/// <summary>
/// A local token estimate for providers that report no usage (some llama.cpp and Ollama builds):
/// about four characters per token for English text, which is within ~20% for BPE tokenizers.
/// Rows built from it are flagged as estimated.
/// </summary>
public static class TokenEstimator
{
    public static long Estimate(string? text) => string.IsNullOrEmpty(text) ? 0 : (text.Length + 3) / 4;
}
