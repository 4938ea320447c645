from setuptools import find_packages, setup

setup(
    name='hellotg',
    version='1.0',
    description='A small TurboGears-style PasteDeploy app, the example project of tgdeploy',
    packages=find_packages(),
    include_package_data=True,
    package_data={'hellotg': ['public/*', 'public/*/*']},
    zip_safe=False,
    install_requires=[],  # PasteDeploy comes from the system (python3-pastedeploy) or the venv
    entry_points={
        'paste.app_factory': ['main = hellotg:make_app'],
    },
)
