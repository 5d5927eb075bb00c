# `cpack -G DEB` (from the build folder): a Debian package of the install rules, its Depends
# computed by dpkg-shlibdeps from the shared libraries genrec and libgenrec_train.so link.
set(CPACK_PACKAGE_NAME genrec)
set(CPACK_PACKAGE_VENDOR "genrec")
set(CPACK_PACKAGE_CONTACT "genrec maintainers <genrec@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Music genre recognition with a CNN on log-Mel spectrograms")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Not a library, so dpkg-shlibdeps cannot see it: the plots' text is set in DejaVu Sans
# (lib/report/canvas.cpp). Merged with the computed list.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core")
# Labels in Chinese, Japanese or Korean (manifests, FMA) draw through pango's font fallback.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-wqy-microhei | fonts-noto-cjk")
set(CPACK_STRIP_FILES ON)
include(CPack)
