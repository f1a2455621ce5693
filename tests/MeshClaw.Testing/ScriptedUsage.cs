namespace MeshClaw.Testing;

/// <summary>
/// Token counts reported for one reply. <see cref="InputTokens"/> counts the whole prompt, cached part included,
/// as OpenAI does; the Anthropic wire splits it into input_tokens and cache_read_input_tokens.
/// </summary>
internal sealed record ScriptedUsage(int InputTokens, int OutputTokens, int CachedTokens, int ReasoningTokens);
