/// Central's logic as a library; see README "Central".
public enum CentralModule {}
