import DatasetQuality

/// The SPDX identifier list lives in DatasetQuality (licence validation of datasets needs it
/// below Governance); this name keeps Governance's callers unchanged.
public typealias SPDXLicenseIDs = DatasetQuality.SPDXLicenseIDs
