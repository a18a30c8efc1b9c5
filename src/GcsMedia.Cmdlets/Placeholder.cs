namespace GcsMedia.Cmdlets { internal static class Placeholder { } }
