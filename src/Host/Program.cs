namespace CommunityStream.Host; public static class P { public static void Main() { } }
