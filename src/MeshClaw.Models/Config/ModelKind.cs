namespace MeshClaw.Models.Config;

public enum ModelKind
{
    /// <summary>Any server speaking OpenAI's chat-completions protocol: OpenAI, Ollama, vLLM, llama.cpp, LM Studio, gateways.</summary>
    OpenAICompatible,
    Anthropic,
}
