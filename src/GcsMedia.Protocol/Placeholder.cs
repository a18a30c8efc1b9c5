namespace GcsMedia.Protocol { internal static class Placeholder { } }
